using System.Globalization;

namespace MikuCloud.Bench;

public sealed partial class BatchBenchmark
{
    private sealed record Measured(int Items, int Chats, int Tokens, TimeSpan ChunkDelay, double DirectWallMs, double ApiWallMs, double UploadMs,
        BatchDto Done, ApiStats Before, ApiStats Uploaded, ApiStats After, List<SpanTiming> Commands, List<double> QuietTtfts, List<double> BusyTtfts, BatchDto BusyBatch);

    private void Report(Section section, Measured m, string apiDescription)
    {
        var directRate = m.Items / (m.DirectWallMs / 1000);
        var apiRate = m.Items / (m.ApiWallMs / 1000);
        var ratio = apiRate / directRate;
        var runCpuPerItem = (m.After.CpuMs - m.Uploaded.CpuMs) / m.Items;
        var uploadCpuPerItem = (m.Uploaded.CpuMs - m.Before.CpuMs) / m.Items;
        var quiet = Summary.Of(m.QuietTtfts);
        var busy = Summary.Of(m.BusyTtfts);
        var p99Ratio = busy.P99 / quiet.P99;
        var commandsPerItem = (double)m.Commands.Sum(c => c.Count) / m.Items;
        var jitMs = m.After.JitMs - m.Uploaded.JitMs;
        log.WriteLine($"   batch {apiRate:0.00} items/s vs direct {directRate:0.00} (ratio {ratio:0.000}); CPU/item {runCpuPerItem:0.00} ms (JIT {jitMs:0} ms in all); "
            + $"DB commands/item {commandsPerItem:0.00}; chat TTFT p50 {quiet.P50:0.0} → {busy.P50:0.0} ms, p99 {quiet.P99:0.0} → {busy.P99:0.0} ms");
        foreach (var command in m.Commands.OrderByDescending(c => c.Count))
        {
            log.WriteLine($"     {command.Count,5} × {command.Name} (p50 {command.DurationP50:0.00} ms)");
        }


        section.Line($"{m.Items} photos (320×240 JPEG) with one prompt, answered {Concurrency} at a time: through the API ({apiDescription}; uploaded as")
            .Line($"one draft, then started: `Batches:MaxConcurrentItems={Concurrency}`, `Chat:MaxConcurrentGenerations=4`), and the same items sent straight to the")
            .Line($"fake Ollama's `/api/chat` by {Concurrency} clients. The fake streams {m.Tokens}-token answers, one token every {m.ChunkDelay.TotalMilliseconds:0} ms,")
            .Line("so the model's time dominates both sides, as it does on a GPU; the difference is what the API adds per item (claim, image from")
            .Line("the database, the turn, saving the result). The API's timer runs from `POST …/start` until the batch reads `completed`.")
            .Line();
        section.Table(["", "straight to Ollama", "through the API", "API / direct"],
        [
            ["wall time", Fmt.Ms(m.DirectWallMs), Fmt.Ms(m.ApiWallMs), Fmt.Ratio(m.ApiWallMs / m.DirectWallMs)],
            ["throughput", $"{directRate:0.00} items/s", $"{apiRate:0.00} items/s", $"**{Fmt.Ratio(ratio)}**"],
            ["items completed / failed", $"{m.Items} / 0", $"{m.Done.Completed} / {m.Done.Failed}", ""],
        ]);
        section.Table(["API cost (its own process; the model excluded)", "value"],
        [
            ["CPU per item while the batch runs", Fmt.Ms(runCpuPerItem)],
            ["database commands per item while the batch runs (claim, result, progress events)", commandsPerItem.ToString("0.00", CultureInfo.InvariantCulture)],
            ["methods JIT-compiled while the batch runs (after the warm-up)", $"{m.After.JitMethods - m.Uploaded.JitMethods} ({Fmt.Ms(jitMs)} of JIT time)"],
            ["CPU per item to take the upload (image pipeline, thumbnail, insert)", Fmt.Ms(uploadCpuPerItem)],
            ["upload of all items (one multipart request) wall time", $"{Fmt.Ms(m.UploadMs)} ({Fmt.Ms(m.UploadMs / m.Items)} per item)"],
        ]);

        section.Line($"Chat while a batch runs: {m.Chats} chats one after another (each a new conversation), first with nothing else running,")
            .Line($"then while a batch of {m.BusyBatch.Total} items keeps {Concurrency} generations busy ({m.BusyBatch.Completed} of its items finished meanwhile).")
            .Line("A batch uses only slots chat leaves idle, and a chat that finds every slot taken by batch items takes the youngest one's.")
            .Line();
        section.Table(["chat time to first token", "p50", "p99", "max"],
        [
            ["no batch", Fmt.Ms(quiet.P50), Fmt.Ms(quiet.P99), Fmt.Ms(quiet.Max)],
            ["batch running", Fmt.Ms(busy.P50), Fmt.Ms(busy.P99), Fmt.Ms(busy.Max)],
            ["ratio", Fmt.Ratio(busy.P50 / quiet.P50), $"**{Fmt.Ratio(p99Ratio)}**", Fmt.Ratio(busy.Max / quiet.Max)],
        ]);

        if (m.Done.Completed != m.Items)
        {
            section.Failures.Add($"batch: {m.Done.Completed} of {m.Items} items completed ({m.Done.Failed} failed)");
        }

        section.Targets.Add(new TargetCheck("8 batch", "throughput through the API / straight to Ollama, same concurrency", "≥ 0.98",
            Fmt.Ratio(ratio), options.Scale == BenchScale.Smoke ? null : ratio >= 0.98));
        section.Targets.Add(new TargetCheck("8 batch", "API CPU per item (model excluded)", "—", Fmt.Ms(runCpuPerItem), null));
        section.Targets.Add(new TargetCheck("8 batch", "chat TTFT p99 with a batch running / without", "≤ 1.1×",
            Fmt.Ratio(p99Ratio), options.Scale == BenchScale.Smoke ? null : p99Ratio <= 1.1));
        if (options.Scale != BenchScale.Smoke && ratio < 0.98)
        {
            section.Gaps.Add(string.Create(CultureInfo.InvariantCulture,
                $"8 batch throughput: the API finished {m.Items} items at {ratio:0.000} of the direct rate, {(m.ApiWallMs - m.DirectWallMs) * Concurrency / m.Items:0.0} ms per item per slot in which the model waits. A slot is freed as soon as an answer ends (the result is saved while the next item starts), but the next item is then claimed (one UPDATE), its batch and stored image read and its turn set up before Ollama is called; claiming the next item while the current one still answers would hide that."));
        }

        if (options.Scale != BenchScale.Smoke && p99Ratio > 1.1)
        {
            section.Gaps.Add(string.Create(CultureInfo.InvariantCulture,
                $"8 batch chat TTFT: p99 {busy.P99:0.0} ms with a batch running vs {quiet.P99:0.0} ms without ({p99Ratio:0.00}×; with {m.Chats} chats the p99 is one of the slowest): the API's CPU is shared with the batch's work on this 2-core machine."));
        }
    }
}
