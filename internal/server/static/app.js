// Progressive enhancement for the assessment form: each question saves itself through
// the JSON API when it changes. Without this file the Save button does the same.
"use strict";
(function () {
  const meta = document.querySelector('meta[name="csrf-token"]');
  const form = document.querySelector("form.answers");
  if (!meta || !form) return;
  const csrf = meta.content;
  const workload = form.dataset.workload;

  function answerOf(fs) {
    const id = fs.dataset.question;
    const selected = Array.from(fs.querySelectorAll('input[type=checkbox]:checked')).map((c) => c.value);
    const note = fs.querySelector("textarea").value.trim();
    const reason = fs.querySelector('select[name^="na."]').value;
    const body = { selected: selected, note: note, version: Number(fs.querySelector("input.version").value) };
    if (reason) {
      body.notApplicable = { reason: reason, note: fs.querySelector('input[name^="nanote."]').value.trim() };
      body.selected = [];
    }
    return [id, body];
  }

  async function save(fs) {
    const status = fs.querySelector(".save-status");
    const [id, body] = answerOf(fs);
    status.textContent = "Saving…";
    status.classList.remove("failed");
    try {
      const res = await fetch("/api/v1/workloads/" + encodeURIComponent(workload) + "/answers/" + encodeURIComponent(id), {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(body),
      });
      const data = await res.json();
      if (!res.ok) {
        status.textContent = res.status === 409
          ? "Someone else changed this answer. Reload the page to see their version."
          : "Not saved: " + (data.error ? data.error.message : res.statusText);
        status.classList.add("failed");
        return;
      }
      fs.querySelector("input.version").value = data.version;
      status.textContent = "Saved.";
      refreshProgress();
    } catch (e) {
      status.textContent = "Not saved: the server could not be reached.";
      status.classList.add("failed");
    }
  }

  // The progress bar counts applicable answered questions, which only the server's
  // evaluation knows; ask it after each save.
  async function refreshProgress() {
    const bar = document.getElementById("progress");
    if (!bar) return;
    try {
      const res = await fetch("/api/v1/workloads/" + encodeURIComponent(workload) + "/result", { credentials: "same-origin" });
      if (!res.ok) return;
      const r = await res.json();
      bar.max = r.overall.questions;
      bar.value = r.overall.answered;
      bar.textContent = Math.round((100 * r.overall.answered) / Math.max(1, r.overall.questions)) + "%";
    } catch (e) {
      // The bar is a convenience; a failed refresh leaves it as it was.
    }
  }

  const timers = new Map();
  function later(fs, ms) {
    clearTimeout(timers.get(fs));
    timers.set(fs, setTimeout(() => save(fs), ms));
  }

  form.querySelectorAll("fieldset.question").forEach((fs) => {
    if (fs.disabled) return;
    fs.addEventListener("change", (ev) => {
      // "None of these" stands alone: choosing it clears the others and back.
      const t = ev.target;
      if (t.type === "checkbox" && t.checked) {
        fs.querySelectorAll("input[type=checkbox]").forEach((c) => {
          if (c !== t && (t.dataset.none || c.dataset.none)) c.checked = false;
        });
      }
      later(fs, 150);
    });
    fs.addEventListener("input", (ev) => {
      if (ev.target.tagName === "TEXTAREA" || ev.target.type === "text" || !ev.target.type) later(fs, 800);
    });
  });
})();
