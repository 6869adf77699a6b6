using MikuCloud.Contracts;
using Spectre.Console;

namespace MikuCloud.Cli.Batches;

/// <summary>
/// Shows a batch run on stderr (stdout stays for the summary): Spectre.Console progress bars for the upload and the
/// answers (counts, items/s, ETA) on a terminal; a plain line now and then when stderr is a log file or a pipe.
/// </summary>
public sealed class BatchProgressView
{
    private static readonly TimeSpan PlainLineInterval = TimeSpan.FromSeconds(2);
    private readonly ProgressContext? bars;
    private ProgressTask? upload, answers;
    private DateTime lastLine = DateTime.MinValue;
    private string lastText = "";

    private BatchProgressView(ProgressContext? bars) => this.bars = bars;

    /// <summary>Runs <paramref name="work"/> with a view that draws on stderr for as long as it runs.</summary>
    public static Task<T> ShowAsync<T>(Func<BatchProgressView, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (Console.IsErrorRedirected)
        {
            return work(new BatchProgressView(null));
        }

        var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return terminal.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(ctx => work(new BatchProgressView(ctx)));
    }

    /// <summary><paramref name="sent"/> of <paramref name="total"/> files are on the server.</summary>
    public void Uploaded(int sent, int total)
    {
        var text = $"upload   {sent}/{total} files";
        if (bars is null)
        {
            Plain(text, force: sent == total);
            return;
        }

        upload ??= bars.AddTask(text, maxValue: Math.Max(total, 1));
        upload.Description = Markup.Escape(text);
        upload.Value = sent;
    }

    /// <summary>The batch as the API reports it now.</summary>
    public void Progress(BatchDto batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var finished = batch.Completed + batch.Failed + batch.Cancelled;
        var text = $"answers  {finished}/{batch.Total} · {batch.Failed} failed · {Rate(batch.ItemsPerSecond)} · ETA {Eta(batch.EtaSeconds)} · {batch.Status}";
        if (bars is null)
        {
            Plain(text, force: BatchStatus.IsFinished(batch.Status));
            return;
        }

        answers ??= bars.AddTask(text, maxValue: Math.Max(batch.Total, 1));
        answers.MaxValue = Math.Max(batch.Total, 1);
        answers.Description = Markup.Escape(text);
        answers.Value = finished;
        if (BatchStatus.IsFinished(batch.Status))
        {
            answers.StopTask();
        }
    }

    private void Plain(string text, bool force)
    {
        // A log gets a line when something changed, not a redraw per event.
        if (text == lastText || (!force && DateTime.UtcNow - lastLine < PlainLineInterval))
        {
            return;
        }

        Console.Error.WriteLine(text);
        lastText = text;
        lastLine = DateTime.UtcNow;
    }

    private static string Rate(double? itemsPerSecond) => itemsPerSecond is { } r ? $"{r:0.0} items/s" : "– items/s";

    private static string Eta(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(Math.Round(s)).ToString(s >= 3600 ? @"h\:mm\:ss" : @"m\:ss") : "–";
}
