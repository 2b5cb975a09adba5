package viz

// pageHTML is NeuronPage's template: one page, no external resources.
const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
#controls { position: sticky; top: 0; background: #fff; padding: .5em 0; border-bottom: 1px solid #ddd; }
#text { font-family: ui-monospace, monospace; white-space: pre-wrap; line-height: 1.7; margin: 1em 0; }
#text span.mark { color: #999; }
.key { display: inline-block; width: 12em; height: .9em; vertical-align: middle;
  background: linear-gradient(to right, rgb(255,0,0), #fff, rgb(0,0,255)); border: 1px solid #ccc; }
table { border-collapse: collapse; }
td, th { padding: .2em .8em; border-bottom: 1px solid #eee; text-align: left; }
a.cell { text-decoration: none; font-family: ui-monospace, monospace; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<div id="controls">
<label>cell <input id="cell" type="number" min="0" max="{{.MaxCell}}" value="{{.Cell}}"></label>
of {{.Cells}} &nbsp; <span class="key"></span> −1 red, 0 white, +1 blue
</div>
<div id="text">{{range .Chars}}<span{{if .Class}} class="{{.Class}}"{{end}}>{{.Text}}</span>{{end}}</div>
<h2>Cells most correlated with features of the text</h2>
<table id="correlations">
<tr><th>feature</th><th>cells (Pearson r)</th></tr>
{{range .Table}}<tr><td>{{.Feature}}</td><td>{{range .Top}}<a class="cell" href="#" data-cell="{{.Cell}}">{{.Cell}}</a> ({{signed .R}}) {{else}}none (constant){{end}}</td></tr>
{{end}}</table>
<script type="application/json" id="acts">{{.Acts}}</script>
<script>
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("acts").textContent);
  var spans = document.getElementById("text").children;
  var input = document.getElementById("cell");
  function decode(s) {
    var b = atob(s), a = new Float32Array(b.length);
    for (var i = 0; i < b.length; i++) a[i] = ((b.charCodeAt(i) << 24) >> 24) / data.scale;
    return a;
  }
  function colour(v) {
    var c = Math.round(255 * (1 - Math.min(1, Math.abs(v))));
    return v >= 0 ? "rgb(" + c + "," + c + ",255)" : "rgb(255," + c + "," + c + ")";
  }
  function show(k) {
    if (!(k >= 0 && k < data.h)) return;
    var a = decode(data.cells[k]);
    for (var i = 0; i < spans.length; i++) {
      spans[i].style.backgroundColor = colour(a[i]);
      spans[i].title = "cell " + k + ": " + a[i].toFixed(2);
    }
    input.value = k;
  }
  input.addEventListener("input", function () { show(parseInt(input.value, 10)); });
  document.getElementById("correlations").addEventListener("click", function (e) {
    var k = e.target.getAttribute("data-cell");
    if (k !== null) { e.preventDefault(); show(parseInt(k, 10)); }
  });
  show(parseInt(input.value, 10));
})();
</script>
</body>
</html>
`
