"""The front end's static files: shipped as package data, inlined safely into one page."""

import re

import pytest

from autograd_core.viz.assets import html_page, inline_script, inline_style, read_static, script_json


@pytest.mark.parametrize("name", ["network.js", "controls.js", "common.css"])
def test_static_files_are_package_data(name):
    assert len(read_static(name)) > 500


def test_network_js_declares_one_name_and_no_module_syntax():
    js = read_static("network.js")
    assert re.search(r"^var ACViz = ", js, re.M)
    assert not re.search(r"^\s*(import|export)\b", js, re.M)


@pytest.mark.parametrize("name", ["../assets.py", "x.py", "", "static/network.js"])
def test_read_static_rejects_other_names(name):
    with pytest.raises(ValueError, match="read_static"):
        read_static(name)


def test_inlining_cannot_close_the_element_early():
    assert "</script" not in inline_script('var s = "</script><script>alert(1)</SCRIPT>"; // <!-- x')
    assert "<!--" not in inline_script("a <!-- b")
    assert "</style" not in inline_style("a::after { content: '</style><script>' }")
    assert re.search(r"[<>&]", script_json({"a": "</script>&<b>"})) is None


def test_page_is_self_contained():
    page = html_page("t </title><script>", "<p>x</p>", data={"k": "</script>"})
    assert page.count("</script>") == 2  # the JSON data and the inlined scripts
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "</title><script>" not in page
    assert not re.search(r"""(src|href)=["']?https?:""", page)
