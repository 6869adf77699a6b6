// MikuCloud browser helpers, called from Blazor through JS interop (window.miku.*).
// Everything here is about the browser itself: clipboard, theme, drafts, keyboard, scrolling, and image
// attachments (picked, dropped or pasted images are shrunk here and uploaded over plain HTTP, never over SignalR).
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

    // ---- image attachments ---------------------------------------------------------------------------------
    const accepted = ["image/jpeg", "image/png", "image/webp", "image/gif"];

    function newId() {
        return (crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2));
    }

    // Shrinks big photos before upload: the API keeps ~1 MP per image anyway (Qwen3-VL's token budget), so sending
    // 12 MP over a phone connection only costs the user time. Small images and GIFs go as they are.
    async function prepare(file, limits) {
        let bitmap;
        try {
            bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
        } catch {
            return { blob: null, error: "decode" };
        }
        const width = bitmap.width, height = bitmap.height;
        const pixels = width * height;
        const needs = file.type !== "image/gif" && (pixels > limits.downscaleAbovePixels || file.size > limits.downscaleAboveBytes);
        if (!needs) {
            bitmap.close();
            return { blob: file, width, height, originalWidth: width, originalHeight: height, downscaled: false };
        }
        const scale = Math.min(1, Math.sqrt(limits.downscaleAbovePixels / pixels));
        const w = Math.max(1, Math.round(width * scale)), h = Math.max(1, Math.round(height * scale));
        const canvas = document.createElement("canvas");
        canvas.width = w;
        canvas.height = h;
        const ctx = canvas.getContext("2d");
        ctx.imageSmoothingQuality = "high";
        ctx.drawImage(bitmap, 0, 0, w, h);
        bitmap.close();
        // PNGs are often screenshots with text (and transparency): keep them lossless. Photos become JPEG.
        const type = file.type === "image/png" ? "image/png" : "image/jpeg";
        const blob = await new Promise((resolve) => canvas.toBlob(resolve, type, 0.9));
        if (!blob || blob.size >= file.size) {
            return { blob: file, width, height, originalWidth: width, originalHeight: height, downscaled: false };
        }
        return { blob, width: w, height: h, originalWidth: width, originalHeight: height, downscaled: true };
    }

    function upload(blob) {
        // XMLHttpRequest rather than fetch: it reports upload progress on slow links.
        return new Promise((resolve) => {
            const xhr = new XMLHttpRequest();
            xhr.open("POST", "uploads");
            xhr.setRequestHeader("X-Miku-Upload", "1");
            xhr.setRequestHeader("Content-Type", blob.type || "application/octet-stream");
            xhr.responseType = "json";
            xhr.onload = () => resolve({ status: xhr.status, body: xhr.response });
            xhr.onerror = () => resolve({ status: 0, body: null });
            xhr.send(blob);
        });
    }

    async function addFiles(component, files, limits) {
        for (const file of files) {
            if (!accepted.includes(file.type)) {
                await component.invokeMethodAsync("RejectFile", file.name || "image", "unsupported");
                continue;
            }
            // Far beyond the limit even shrinking will not help (and decoding would exhaust a phone's memory).
            if (file.size > limits.maxBytes * 5) {
                await component.invokeMethodAsync("RejectFile", file.name || "image", "too_large");
                continue;
            }
            const clientId = newId();
            const preview = URL.createObjectURL(file);
            const accept = await component.invokeMethodAsync("BeginAttachment", clientId, file.name || "image", preview, file.size);
            if (!accept) {
                URL.revokeObjectURL(preview);
                continue;
            }
            const prepared = await prepare(file, limits);
            if (!prepared.blob) {
                await component.invokeMethodAsync("AttachmentFailed", clientId, prepared.error || "decode");
                continue;
            }
            if (prepared.blob.size > limits.maxBytes) {
                await component.invokeMethodAsync("AttachmentFailed", clientId, "too_large");
                continue;
            }
            const result = await upload(prepared.blob);
            if (result.status === 200 && result.body && result.body.id) {
                await component.invokeMethodAsync("AttachmentUploaded", clientId, result.body.id, result.body.mediaType,
                    result.body.bytes, prepared.width, prepared.height, prepared.downscaled, prepared.originalWidth, prepared.originalHeight);
            } else {
                const code = result.body && result.body.error ? result.body.error : "upload_failed";
                await component.invokeMethodAsync("AttachmentFailed", clientId, code);
            }
        }
    }

    // Picker, paste and drag-and-drop all end in addFiles. Drops anywhere on the page count (a chat app has one
    // obvious destination for a dropped picture); an overlay shows while dragging.
    function attachImages(component, fileInput, pasteTarget, limits) {
        const state = { component, limits };
        fileInput.addEventListener("change", () => {
            const files = Array.from(fileInput.files || []);
            fileInput.value = "";
            addFiles(state.component, files, state.limits);
        });
        pasteTarget.addEventListener("paste", (e) => {
            const files = Array.from(e.clipboardData?.files || []).filter((f) => f.type.startsWith("image/"));
            if (files.length > 0) {
                e.preventDefault(); // keep the picture out of the textarea; text pastes are untouched
                addFiles(state.component, files, state.limits);
            }
        });
        let depth = 0;
        const hasFiles = (e) => Array.from(e.dataTransfer?.types || []).includes("Files");
        const onEnter = (e) => { if (!hasFiles(e)) return; depth++; document.body.classList.add("dragging-files"); };
        const onLeave = (e) => { if (!hasFiles(e)) return; depth = Math.max(0, depth - 1); if (depth === 0) document.body.classList.remove("dragging-files"); };
        const onOver = (e) => { if (hasFiles(e)) { e.preventDefault(); e.dataTransfer.dropEffect = "copy"; } };
        const onDrop = (e) => {
            if (!hasFiles(e)) return;
            e.preventDefault();
            depth = 0;
            document.body.classList.remove("dragging-files");
            addFiles(state.component, Array.from(e.dataTransfer.files || []), state.limits);
        };
        document.addEventListener("dragenter", onEnter);
        document.addEventListener("dragleave", onLeave);
        document.addEventListener("dragover", onOver);
        document.addEventListener("drop", onDrop);
        return {
            dispose() {
                document.removeEventListener("dragenter", onEnter);
                document.removeEventListener("dragleave", onLeave);
                document.removeEventListener("dragover", onOver);
                document.removeEventListener("drop", onDrop);
            },
        };
    }
    let images = null;
    function attachImageInput(component, fileInput, pasteTarget, limits) {
        images?.dispose();
        images = attachImages(component, fileInput, pasteTarget, limits);
    }
    function detachImageInput() { images?.dispose(); images = null; }
    function deleteUpload(id) {
        fetch("uploads/" + encodeURIComponent(id), { method: "DELETE", headers: { "X-Miku-Upload": "1" } }).catch(() => { });
    }
    function openFilePicker(fileInput) { fileInput?.click(); }

    // ---- dialogs -------------------------------------------------------------------------------------------
    function confirmDialog(message) { return window.confirm(message); }
    function timezoneOffset() { return new Date().getTimezoneOffset(); }

    window.miku = {
        getTheme, setTheme, copyText, attachScroller, scrollToBottom, attachInput, setDraftKey, loadDraft, saveDraft,
        growInput, focus, attachImageInput, detachImageInput, deleteUpload, openFilePicker, confirmDialog, timezoneOffset,
    };
})();
