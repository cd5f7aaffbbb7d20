/* matstats reader site: every figure in the text opens at full size when clicked or tapped
   (a phone shows a figure at a third of its drawn width). No network, no dependencies. */
document.addEventListener("DOMContentLoaded", function () {
  var main = document.querySelector("main") || document.body;
  main.querySelectorAll("img").forEach(function (img) {
    if (img.closest("a")) { return; }
    var src = img.getAttribute("src");
    if (!src) { return; }
    var a = document.createElement("a");
    a.href = src;
    a.className = "ms-fullsize";
    a.title = "Open the figure at full size";
    img.parentNode.insertBefore(a, img);
    a.appendChild(img);
  });
});

/* Ranges and dates in notebook output text ("3-6 weeks", "2026-01-05") would break at
   their hyphen on a phone: keep each on one line (reader tables already do this in HTML). */
document.addEventListener("DOMContentLoaded", function () {
  var rx = /(?<![\w.,\u2212\u2013-])[-\u2212+]?\d+(?:[.,]\d+)*(?:[-\u2013]\d+(?:[.,]\d+)*)+(?![\w])/g;
  document.querySelectorAll("div.cell_output").forEach(function (out) {
    var walker = document.createTreeWalker(out, NodeFilter.SHOW_TEXT);
    var nodes = [];
    for (var n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.parentElement.closest(".ms-nb, script, style")) { nodes.push(n); }
    }
    nodes.forEach(function (node) {
      var text = node.textContent, last = 0, frag = document.createDocumentFragment(), m;
      rx.lastIndex = 0;
      while ((m = rx.exec(text)) !== null) {
        frag.appendChild(document.createTextNode(text.slice(last, m.index)));
        var span = document.createElement("span");
        span.className = "ms-nb";
        span.textContent = m[0];
        frag.appendChild(span);
        last = m.index + m[0].length;
      }
      if (last === 0) { return; }
      frag.appendChild(document.createTextNode(text.slice(last)));
      node.parentNode.replaceChild(frag, node);
    });
  });
});
