namespace MikuCloud.Bench;

public sealed class BrowserBenchmark(BenchOptions options, TextWriter log)
{
    public Task<Section> RunAsync(CancellationToken cancellationToken)
    {
        _ = options;
        log.WriteLine("todo");
        return Task.FromResult(new Section("Browser"));
    }
}
