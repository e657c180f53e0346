// Progressive enhancement of the complaint form: one step at a time. Without JS every step is shown
// and the form is one ordinary POST.
(function () {
  var form = document.querySelector("form.js-steps");
  if (!form) return;
  var steps = Array.prototype.slice.call(form.querySelectorAll("fieldset.step"));
  if (steps.length < 2) return;
  var current = 0;
  var firstError = form.querySelector(".field-error");
  if (firstError) {
    var withError = steps.findIndex(function (s) { return s.contains(firstError); });
    if (withError >= 0) current = withError;
  }
  var nav = document.createElement("div");
  nav.className = "steps-nav";
  var back = document.createElement("button");
  back.type = "button"; back.className = "secondary"; back.textContent = "Назад";
  var next = document.createElement("button");
  next.type = "button"; next.textContent = "Далее"; next.id = "step-next";
  var submit = form.querySelector("button[type=submit]");
  var status = document.createElement("p");
  status.setAttribute("aria-live", "polite"); status.className = "muted";
  nav.appendChild(back); nav.appendChild(next);
  submit.parentNode.insertBefore(nav, submit);
  form.insertBefore(status, form.firstChild.nextSibling);

  function show(index) {
    steps.forEach(function (s, i) { s.hidden = i !== index; });
    back.hidden = index === 0;
    next.hidden = index === steps.length - 1;
    submit.hidden = index !== steps.length - 1;
    status.textContent = "Шаг " + (index + 1) + " из " + steps.length;
    current = index;
  }
  function valid(step) {
    var fields = step.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) {
      if (!fields[i].checkValidity()) { fields[i].reportValidity(); return false; }
    }
    return true;
  }
  next.addEventListener("click", function () {
    if (!valid(steps[current])) return;
    show(current + 1);
    var focusable = steps[current].querySelector("input, textarea, select");
    if (focusable) focusable.focus();
  });
  back.addEventListener("click", function () { show(current - 1); });
  show(current);
})();
