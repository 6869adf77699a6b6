// Folders for the Batches page's drop zone. An <input type=file> takes dropped files but not the files inside a dropped
// folder, so a drop holding a folder is walked here (webkitGetAsEntry) and its files handed to the zone's current input
// as if picked, each with its path inside the folder ("photos/sub/a.png"), as the API names zip entries.

/** Each file of the input's latest pick: its path inside the dropped or picked folder, else its name. */
export function pickedPaths(input) {
    const paths = input._mikuPaths;
    return Array.from(input.files, (file, i) => (paths && paths[i]) || file.webkitRelativePath || file.name);
}

/** Walks folders dropped on the zone into its current input; plain files are left to the input itself. */
export function acceptFolderDrops(zone) {
    zone.addEventListener("drop", (event) => {
        const items = event.dataTransfer ? Array.from(event.dataTransfer.items) : [];
        // Entries and files are readable only while the event runs: take them now, walk them after.
        const entries = items.map((item) => (item.kind === "file" && item.webkitGetAsEntry ? item.webkitGetAsEntry() : null));
        const input = current(zone);
        if (!input || input.disabled || !entries.some((entry) => entry && entry.isDirectory)) {
            return;
        }
        event.preventDefault();
        event.stopPropagation();
        const files = items.map((item) => (item.kind === "file" ? item.getAsFile() : null));
        collect(entries, files).then((picked) => hand(input, picked));
    }, true);
}

async function collect(entries, files) {
    const picked = [];
    for (let i = 0; i < entries.length; i++) {
        if (entries[i] && entries[i].isDirectory) {
            await walk(entries[i], picked);
        } else if (files[i]) {
            picked.push({ file: files[i], path: files[i].name });
        }
    }
    return picked;
}

async function walk(entry, picked) {
    if (entry.isFile) {
        const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
        picked.push({ file, path: entry.fullPath.replace(/^\/+/, "") });
        return;
    }
    const reader = entry.createReader();
    // readEntries answers a batch at a time (100 in Chromium) until it answers none.
    for (let batch = await read(reader); batch.length > 0; batch = await read(reader)) {
        for (const child of batch) {
            await walk(child, picked);
        }
    }
}

function read(reader) {
    return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

function current(zone) {
    return zone.querySelector("input[type=file][data-pick=current]");
}

function hand(input, picked) {
    // Even an empty folder goes through: the page then says it held no images.
    const transfer = new DataTransfer();
    picked.forEach((p) => transfer.items.add(p.file));
    input._mikuPaths = picked.map((p) => p.path);
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}
