using System.Text;
using MikuCloud.Cli;
using MikuCloud.Cli.Batches;
using MikuCloud.Cli.Chat;
using Spectre.Console.Cli;

// miku: thin entry point. Commands live in their feature folders; failures become one line and an exit code (ExitCodes).
Console.OutputEncoding = Encoding.UTF8;
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C stops the work cleanly (the stream closes, the batch state is saved); a second one kills.
    e.Cancel = !interrupted.IsCancellationRequested;
    interrupted.Cancel();
};

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("miku");
    config.UseAssemblyInformationalVersion();
    config.SetHelpProvider(new MikuHelpProvider(config.Settings));
    config.CancellationExitCode(ExitCodes.Interrupted);
    config.SetExceptionHandler(CliErrors.Report);
    config.AddCommand<ChatCommand>("chat")
        .WithDescription("Ask a question (with images) and stream the answer to the terminal.")
        .WithExample("chat", "\"这张图里有什么？\"", "--image", "photo.jpg")
        .WithExample("chat", "\"and the colours?\"", "--conversation", "3f2c…");
    config.AddBranch("batch", batch =>
    {
        batch.SetDescription("Run one prompt over many images: upload, follow the progress, download the results (resumable).");
        batch.AddCommand<BatchRunCommand>("run").WithDescription("Upload images, run the prompt over them, download the results (the default: miku batch <paths> -p …).")
            .WithExample("batch", "./photos", "-p", "\"详细描述图片中的物体\"", "--preset", "vision", "--out", "results.jsonl")
            .WithExample("batch", "--resume", "results.jsonl.miku-batch.json");
        batch.AddCommand<BatchStatusCommand>("status").WithDescription("Show a batch's counts, speed and ETA.");
        batch.AddCommand<BatchCancelCommand>("cancel").WithDescription("Cancel a batch (finished items keep their results).");
        batch.AddCommand<BatchResultsCommand>("results").WithDescription("Download a batch's results (.jsonl or .csv).");
    });
    config.AddExample("batch", "./photos", "-p", "\"详细描述图片中的物体\"", "--preset", "vision", "--out", "results.jsonl");
});
return await app.RunAsync(BatchShorthand.Expand(args), interrupted.Token);
