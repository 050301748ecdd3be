// A few formatting buttons above the news editor's textarea: they wrap the selected text in one of the
// allowed tags. Optional: without JavaScript the administrator types the same tags by hand.
(function () {
  "use strict";
  var BUTTONS = [
    ["Đoạn văn", "<p>", "</p>"],
    ["Đậm", "<strong>", "</strong>"],
    ["Nghiêng", "<em>", "</em>"],
    ["Tiêu đề mục", "<h2>", "</h2>"],
    ["Tiêu đề nhỏ", "<h3>", "</h3>"],
    ["Danh sách", "<ul>\n<li>", "</li>\n</ul>"],
    ["Liên kết", '<a href="https://">', "</a>"]
  ];

  function wrap(area, before, after) {
    var start = area.selectionStart, end = area.selectionEnd, text = area.value;
    area.value = text.slice(0, start) + before + text.slice(start, end) + after + text.slice(end);
    area.focus();
    area.setSelectionRange(start + before.length, end + before.length);
  }

  function enhance(area) {
    var bar = document.createElement("div");
    bar.className = "editor-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Định dạng nội dung");
    bar.setAttribute("aria-controls", area.id);
    BUTTONS.forEach(function (item) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-secondary button-small";
      button.textContent = item[0];
      button.addEventListener("click", function () { wrap(area, item[1], item[2]); });
      bar.appendChild(button);
    });
    area.parentNode.insertBefore(bar, area);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea.portal-editor").forEach(enhance);
  });
})();
