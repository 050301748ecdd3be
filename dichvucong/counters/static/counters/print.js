// Shows the print buttons (hidden without JavaScript: the browser's own print works then).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
