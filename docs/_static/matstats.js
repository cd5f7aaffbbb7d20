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
