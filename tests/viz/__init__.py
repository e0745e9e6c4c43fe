"""Tests of autograd_core.viz."""
