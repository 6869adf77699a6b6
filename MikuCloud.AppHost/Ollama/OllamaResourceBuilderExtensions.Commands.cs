using System.Globalization;
using System.Text;
using MikuCloud.HouseModels;

namespace MikuCloud.AppHost.Ollama;

public static partial class OllamaResourceBuilderExtensions
{
    /// <summary>Command names on the server resource.</summary>
    public const string ListModelsCommand = "ollama-list-models", RunningModelsCommand = "ollama-running-models", UnloadAllCommand = "ollama-unload-all";

    /// <summary>Command name on a model resource.</summary>
    public const string UnloadModelCommand = "ollama-unload-model";

    /// <summary>
    /// Dashboard commands on an Ollama server: list models on disk, list models in memory (with GPU share),
    /// and unload everything (frees VRAM without stopping the server).
    /// </summary>
    public static IResourceBuilder<T> WithModelCommands<T>(this IResourceBuilder<T> builder) where T : IResourceWithConnectionString
    {
        ArgumentNullException.ThrowIfNull(builder);
        var server = builder.Resource;

        builder.WithCommand(ListModelsCommand, "List models", ctx => RunAsync(server, async client =>
            Table("Models on disk", ["model", "size", "quantization"],
                (await client.ListAsync(ctx.CancellationToken).ConfigureAwait(false)).Select(m => new[] { m.Name, Size(m.Size), m.Detail }))),
            new CommandOptions { IconName = "List", Description = "Models this Ollama server has downloaded (/api/tags)." });

        builder.WithCommand(RunningModelsCommand, "Running models", ctx => RunAsync(server, async client =>
            Table("Models in memory", ["model", "size", "where"],
                (await client.ListRunningAsync(ctx.CancellationToken).ConfigureAwait(false)).Select(m => new[] { m.Name, Size(m.Size), m.Detail }))),
            new CommandOptions { IconName = "Flash", Description = "Models loaded in GPU/CPU memory (/api/ps)." });

        builder.WithCommand(UnloadAllCommand, "Unload all models", ctx => RunAsync(server, async client =>
            {
                var running = await client.ListRunningAsync(ctx.CancellationToken).ConfigureAwait(false);
                foreach (var model in running)
                {
                    await client.UnloadAsync(model.Name, ctx.CancellationToken).ConfigureAwait(false);
                }

                return running.Count == 0 ? "No model was loaded." : $"Unloaded {string.Join(", ", running.Select(m => m.Name))}.";
            }),
            new CommandOptions { IconName = "ArrowEject", Description = "Free GPU memory; the next chat loads the model again.", ConfirmationMessage = "Unload every model from memory?" });
        return builder;
    }

    /// <summary>A dashboard command that unloads this house model from memory.</summary>
    public static IResourceBuilder<OllamaModelResource> WithUnloadCommand(this IResourceBuilder<OllamaModelResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var model = builder.Resource;
        return builder.WithCommand(UnloadModelCommand, "Unload", ctx => RunAsync(model.Parent, async client =>
            {
                await client.UnloadAsync(model.Model.Name, ctx.CancellationToken).ConfigureAwait(false);
                return $"{model.Model.Name} unloaded.";
            }),
            new CommandOptions
            {
                IconName = "ArrowEject",
                Description = "Free this model's GPU memory.",
                UpdateState = ctx => ctx.ResourceSnapshot.State?.Text == KnownResourceStates.Running ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
            });
    }

    private static async Task<ExecuteCommandResult> RunAsync(IResourceWithConnectionString server, Func<OllamaModelClient, Task<string>> action)
    {
        try
        {
            var connection = await server.GetConnectionStringAsync().ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(connection))
            {
                return CommandResults.Failure("The Ollama server has no endpoint yet.");
            }

            var text = await action(OllamaClients.For(OllamaConnectionString.Parse(connection).Endpoint, TimeSpan.FromSeconds(30))).ConfigureAwait(false);
            return CommandResults.Success(text.Split('\n')[0], text, CommandResultFormat.Markdown);
        }
        catch (Exception ex) when (ex is HttpRequestException or OllamaApiException or TaskCanceledException or FormatException)
        {
            return CommandResults.Failure($"Ollama did not answer: {ex.Message}");
        }
    }

    internal static string Table(string title, string[] header, IEnumerable<string[]> rows)
    {
        var sb = new StringBuilder().Append("**").Append(title).Append("**\n\n");
        sb.Append("| ").AppendJoin(" | ", header).Append(" |\n|").Append(string.Concat(header.Select(_ => "---|"))).Append('\n');
        var count = 0;
        foreach (var row in rows)
        {
            sb.Append("| ").AppendJoin(" | ", row).Append(" |\n");
            count++;
        }

        return count == 0 ? $"**{title}**: none." : sb.ToString();
    }

    private static string Size(long bytes) => (bytes / 1e9).ToString("0.0", CultureInfo.InvariantCulture) + " GB";
}
