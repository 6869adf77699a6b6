// Keeps what is typed in the chat's message box before the page is interactive (issue 13, item 5).
// The chat is prerendered: the box shows before the circuit starts, and starting it replaces the box with a new,
// empty one. Until miku.attachInput takes over (window.mikuEarlyInput.take), the text typed and an Enter meaning
// "send" are kept here, and the text is moved into each new box as it appears, so nothing typed in that gap is lost.
// Loaded at the end of <body>, after the prerendered box and before the Blazor script.
(function () {
    "use strict";

    const early = { text: "", send: false };
    const isWaitingBox = (el) => el instanceof HTMLTextAreaElement && el.id === "chat-text" && !el._mikuInput;

    document.addEventListener("input", (e) => { if (isWaitingBox(e.target)) early.text = e.target.value; }, true);
    document.addEventListener("keydown", (e) => {
        // isComposing / 229: an IME uses Enter to confirm a candidate — that is not a send.
        if (!isWaitingBox(e.target) || e.key !== "Enter" || e.shiftKey || e.isComposing || e.keyCode === 229) return;
        e.preventDefault(); // not a new line: a send, made as soon as the box is live
        early.send = true;
        e.target.closest("form")?.classList.add("send-queued");
    }, true);

    // Puts the early text into a new box and tells Blazor with an input event, the same path as typing, so the
    // circuit's copy of the text follows the box rather than the other way round.
    function carryInto(box) {
        const focusLost = document.activeElement === document.body || document.activeElement === null;
        box.value = early.text;
        box.dispatchEvent(new Event("input", { bubbles: true }));
        if (focusLost) {
            box.focus({ preventScroll: true });
            box.setSelectionRange(box.value.length, box.value.length);
        }
    }

    const observer = document.getElementById("chat-text") ? new MutationObserver(() => {
        const box = document.getElementById("chat-text");
        if (!isWaitingBox(box)) return;
        if (early.text && box.value !== early.text) carryInto(box);
        if (early.send) box.closest("form")?.classList.add("send-queued");
    }) : null;
    observer?.observe(document.body, { childList: true, subtree: true });

    window.mikuEarlyInput = {
        // Hands over what was typed before the box was live — put into `textarea` when that is still empty — and
        // whether Enter was pressed meanwhile; from here on the box's own handlers do the work.
        take(textarea) {
            observer?.disconnect();
            if (early.text && !textarea.value) carryInto(textarea);
            const taken = { text: early.text, send: early.send };
            early.text = "";
            early.send = false;
            return taken;
        },
    };
})();
