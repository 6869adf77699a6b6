// MikuCloud image attachments, called from the composer through JS interop (window.miku.*, next to miku.js).
// Picked, dropped or pasted images are shrunk here and uploaded over plain HTTP to /uploads, never over SignalR;
// only their ids go back to .NET.
(function () {
    "use strict";
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

    Object.assign(window.miku, { attachImageInput, detachImageInput, deleteUpload, openFilePicker });
})();
