// MikuCloud browser helpers, called from Blazor through JS interop (window.miku.*).
// Everything here is about the browser itself: clipboard, theme, drafts, keyboard and scrolling; image attachments
// are in miku-images.js, which adds its functions to window.miku.
(function () {
    "use strict";

    const storage = {
        get(key) { try { return localStorage.getItem(key); } catch { return null; } },
        set(key, value) { try { value === null || value === "" ? localStorage.removeItem(key) : localStorage.setItem(key, value); } catch { /* full or blocked */ } },
    };

    // ---- theme -------------------------------------------------------------------------------------------
    function getTheme() { return storage.get("miku.theme") || "auto"; }
    function setTheme(theme) {
        if (theme === "light" || theme === "dark") {
            document.documentElement.setAttribute("data-theme", theme);
            storage.set("miku.theme", theme);
        } else {
            document.documentElement.removeAttribute("data-theme");
            storage.set("miku.theme", null);
        }
        return getTheme();
    }

    // ---- clipboard ---------------------------------------------------------------------------------------
    async function copyText(text) {
        try {
            await navigator.clipboard.writeText(text);
            return true;
        } catch {
            // Plain-HTTP origins have no async clipboard; fall back to a hidden textarea.
            const ta = document.createElement("textarea");
            ta.value = text;
            ta.setAttribute("readonly", "");
            ta.style.position = "fixed";
            ta.style.opacity = "0";
            document.body.appendChild(ta);
            ta.select();
            let ok = false;
            try { ok = document.execCommand("copy"); } catch { ok = false; }
            ta.remove();
            return ok;
        }
    }

    // Copy buttons inside rendered markdown code blocks: one delegated listener, since that HTML is not Blazor's.
    document.addEventListener("click", async (e) => {
        const button = e.target instanceof Element ? e.target.closest("button.copy-code") : null;
        if (!button) return;
        const code = button.closest(".code-block")?.querySelector("pre code");
        if (!code) return;
        if (await copyText(code.innerText)) {
            button.classList.add("copied");
            setTimeout(() => button.classList.remove("copied"), 1500);
        }
    });

    // Citation chips inside rendered answers ([1] became a button.cite, see CitationMarkers): one delegated listener,
    // since that HTML is not Blazor's. A chip presses its source's button under the same answer, which opens the passage.
    document.addEventListener("click", (e) => {
        const chip = e.target instanceof Element ? e.target.closest("button.cite[data-cite]") : null;
        if (!chip) return;
        const number = chip.getAttribute("data-cite");
        chip.closest("article")?.querySelector(`.sources button[data-source="${CSS.escape(number)}"]`)?.click();
    });

    // Escape closes the image preview even before Blazor has moved focus into it (that takes a round trip, and
    // a quick Escape would otherwise land on the page behind). Inside the dialog, its own handler does the job.
    document.addEventListener("keydown", (e) => {
        if (e.key !== "Escape") return;
        const box = document.querySelector(".lightbox");
        if (!box || (e.target instanceof Node && box.contains(e.target))) return;
        box.querySelector("button.close")?.click();
    });

    // Copy buttons on server-rendered pages (the new API key): <button data-copy-target="element-id">. No inline
    // handlers anywhere: the CSP forbids them.
    document.addEventListener("click", async (e) => {
        const button = e.target instanceof Element ? e.target.closest("button[data-copy-target]") : null;
        if (!button) return;
        const source = document.getElementById(button.getAttribute("data-copy-target"));
        if (source && await copyText(source.textContent.trim())) {
            button.classList.add("copied");
            setTimeout(() => button.classList.remove("copied"), 1500);
        }
    });

    // ---- chat message list: follow the stream unless the user scrolled up ---------------------------------
    function attachScroller(container) {
        if (!container || container._mikuScroller) return;
        const threshold = 80;
        let pinned = true;
        const isAtBottom = () => container.scrollHeight - container.scrollTop - container.clientHeight < threshold;
        const update = () => container.classList.toggle("scrolled-up", !pinned);
        container.addEventListener("scroll", () => { pinned = isAtBottom(); update(); }, { passive: true });
        // New content (a delta, a new message) keeps the view at the bottom only while pinned. "smooth" for small
        // growth, instant for big jumps (loading a conversation), so it never lags behind a fast stream.
        const observer = new MutationObserver(() => {
            // The empty chat's suggestions read from the top; following applies to conversations only.
            if (!pinned || container.querySelector(".suggestions")) return;
            const gap = container.scrollHeight - container.scrollTop - container.clientHeight;
            container.scrollTo({ top: container.scrollHeight, behavior: gap > 600 ? "instant" : "smooth" });
        });
        observer.observe(container, { childList: true, subtree: true, characterData: true });
        container._mikuScroller = {
            toBottom(force) {
                if (force) pinned = true;
                container.scrollTo({ top: container.scrollHeight, behavior: "instant" });
                update();
            },
            dispose() { observer.disconnect(); },
        };
        if (!container.querySelector(".suggestions")) container._mikuScroller.toBottom(true);
    }
    function scrollToBottom(container, force) { container?._mikuScroller?.toBottom(force); }

    // ---- input: Enter to send, Shift+Enter newline, auto-grow, drafts --------------------------------------
    function attachInput(textarea, form, draftKey) {
        if (!textarea || textarea._mikuInput) return;
        const grow = () => {
            textarea.style.height = "auto";
            textarea.style.height = Math.min(textarea.scrollHeight, window.innerHeight * 0.4) + "px";
        };
        // What the box starts with: text typed before the page was interactive (early-input.js) wins over the saved
        // draft, and replaces it; never both glued together. Set here, not by the circuit, so nothing typed meanwhile
        // is overwritten by a value the circuit had before it saw the typing.
        const early = window.mikuEarlyInput?.take(textarea) ?? { text: "", send: false };
        if (early.text) {
            storage.set("miku.draft." + draftKey, early.send ? "" : textarea.value);
        } else if (!textarea.value) {
            const draft = storage.get("miku.draft." + draftKey);
            if (draft) {
                textarea.value = draft;
                textarea.dispatchEvent(new Event("input", { bubbles: true }));
            }
        }
        let draftTimer = 0;
        const state = { draftKey };
        textarea.addEventListener("keydown", (e) => {
            // isComposing / 229: an IME (Chinese pinyin!) uses Enter to confirm a candidate — that must not send.
            if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
                e.preventDefault();
                form.requestSubmit();
            }
        });
        textarea.addEventListener("input", () => {
            grow();
            clearTimeout(draftTimer);
            draftTimer = setTimeout(() => storage.set("miku.draft." + state.draftKey, textarea.value), 300);
        });
        textarea._mikuInput = {
            setDraftKey(key) { state.draftKey = key; },
            grow,
        };
        grow();
        focusIfDesktop(textarea);
        form.classList.remove("send-queued");
        if (early.send) form.requestSubmit(); // Enter was pressed before the page could send
        // The page is interactive from here on (the prerendered HTML was not): lets automation wait for it.
        document.documentElement.setAttribute("data-interactive", "true");
    }
    // The message box gets the caret when a chat opens — on devices with a real keyboard only: on a phone focusing
    // it would pop the on-screen keyboard over the conversation the user came to read.
    function focusIfDesktop(textarea) {
        if (textarea && window.matchMedia("(hover: hover) and (pointer: fine)").matches) {
            textarea.focus({ preventScroll: true });
        }
    }
    function setDraftKey(textarea, key) { textarea?._mikuInput?.setDraftKey(key); focusIfDesktop(textarea); }
    function loadDraft(key) { return storage.get("miku.draft." + key) || ""; }
    function saveDraft(key, value) { storage.set("miku.draft." + key, value); }
    function growInput(textarea) { textarea?._mikuInput?.grow(); }
    function focus(element) { element?.focus({ preventScroll: true }); }

    // ---- dialogs -------------------------------------------------------------------------------------------
    function confirmDialog(message) { return window.confirm(message); }
    function timezoneOffset() { return new Date().getTimezoneOffset(); }

    window.miku = {
        getTheme, setTheme, copyText, attachScroller, scrollToBottom, attachInput, setDraftKey, loadDraft, saveDraft,
        growInput, focus, confirmDialog, timezoneOffset,
    };
})();
