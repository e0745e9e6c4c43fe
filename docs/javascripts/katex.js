// Typesets the math of a page with KaTeX (served from this site: assets/katex/). Markdown's
// $...$ and $$...$$ reach the page as \(...\) and \[...\] inside .arithmatex elements
// (pymdownx.arithmatex, generic mode). Material's document$ fires on every page load,
// including instant navigation.
"use strict";

function typesetMath(root) {
  for (const element of root.querySelectorAll(".arithmatex")) {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    });
  }
}

if (typeof document$ !== "undefined") {
  document$.subscribe(({ body }) => typesetMath(body));
} else {
  document.addEventListener("DOMContentLoaded", () => typesetMath(document.body));
}
