// Runs in <head> before first paint: apply the saved theme ("light" | "dark"; absent = follow the system).
(function () {
    try {
        var theme = localStorage.getItem("miku.theme");
        if (theme === "light" || theme === "dark") {
            document.documentElement.setAttribute("data-theme", theme);
        }
    } catch (e) { /* storage blocked: follow the system */ }
})();
