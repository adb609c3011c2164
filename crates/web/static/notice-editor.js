// The notice editor's small toolbar: wraps the selected text of the textarea in a tag. The
// server cleans whatever arrives, so this only helps typing.
(function () {
  function wrap(area, before, after) {
    var s = area.selectionStart, e = area.selectionEnd, v = area.value;
    area.value = v.slice(0, s) + before + v.slice(s, e) + after + v.slice(e);
    area.focus();
    area.selectionStart = s + before.length;
    area.selectionEnd = e + before.length;
  }
  document.addEventListener('click', function (ev) {
    var b = ev.target.closest('.editor-toolbar button');
    if (!b) return;
    var bar = b.closest('.editor-toolbar');
    var area = document.getElementById(bar.getAttribute('data-for'));
    if (!area) return;
    if (b.dataset.wrap) {
      wrap(area, '<' + b.dataset.wrap + '>', '</' + b.dataset.wrap + '>');
    } else if (b.dataset.list) {
      var s = area.selectionStart, e = area.selectionEnd;
      var lines = area.value.slice(s, e).split('\n').filter(function (l) { return l.trim() !== ''; });
      var items = lines.map(function (l) { return '<li>' + l + '</li>'; }).join('');
      area.value = area.value.slice(0, s) + '<ul>' + (items || '<li></li>') + '</ul>' + area.value.slice(e);
    } else if (b.dataset.link) {
      var url = window.prompt(b.dataset.prompt || 'https://', 'https://');
      if (url && /^(https?:|mailto:)/i.test(url)) wrap(area, '<a href="' + url.replace(/"/g, '%22') + '">', '</a>');
    }
  });
})();
