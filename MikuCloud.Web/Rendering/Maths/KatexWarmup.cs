namespace MikuCloud.Web.Rendering.Maths;

/// <summary>
/// Loads KaTeX into the first engine while the Web starts (seconds on a cold process: parsing 270 kB of script, then
/// the interpreter's first runs), so the first answer with a formula does not wait for it. Does not delay the start.
/// </summary>
internal sealed class KatexWarmup(ILogger<KatexWarmup> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(() =>
        {
            try
            {
                var started = TimeProvider.System.GetTimestamp();
                KatexRenderer.Shared.Render(@"\frac{a}{b}", displayMode: false);
                log.LogInformation("KaTeX ready in {Milliseconds:0} ms.", TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception e)
            {
                // The first formula will say so again; the Web itself works without maths.
                log.LogError(e, "KaTeX could not be loaded: formulas will not render.");
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
