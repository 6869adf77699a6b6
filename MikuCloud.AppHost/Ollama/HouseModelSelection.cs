using Microsoft.Extensions.Configuration;
using MikuCloud.HouseModels;

namespace MikuCloud.AppHost.Ollama;

/// <summary>
/// Which house models the AppHost provisions: every required one, the optional ones named in
/// <c>HouseModels:Enabled</c>, and the default (<c>Ollama:HouseModel</c>, else the catalog's). <c>Ollama:Quantization</c>
/// applies to the default model and to every model on the same base (its LoRA variants), never to other bases.
/// </summary>
/// <param name="Default">The chat model the API gets in its connection string, and the only one it waits for.</param>
/// <param name="Models">Every model to provision, in catalog order.</param>
/// <param name="EnabledOptional">The optional models switched on, by their catalog names (for the API's <c>HouseModels__Enabled</c>).</param>
public sealed record HouseModelSelection(HouseModel Default, IReadOnlyList<HouseModel> Models, IReadOnlyList<string> EnabledOptional)
{
    /// <summary>The configuration key naming the optional models to enable (comma-separated, or an array).</summary>
    public const string EnabledKey = "HouseModels:Enabled";

    /// <summary>Chooses the models; an unknown name in <see cref="EnabledKey"/> or <c>Ollama:HouseModel</c> is an error naming the known ones.</summary>
    public static HouseModelSelection From(HouseModelCatalog catalog, OllamaHostingOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);

        var requested = EnabledNames(configuration);
        var unknown = requested.Where(n => catalog.FindModel(n) is null).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"{EnabledKey} names {string.Join(", ", unknown.Select(n => $"'{n}'"))}, not a house model in {catalog.Directory} " +
                $"(optional models: {string.Join(", ", catalog.Models.Where(m => m.IsOptional).Select(m => m.Name))}).");
        }

        var chosen = options.HouseModel is null
            ? catalog.DefaultModel
            : catalog.FindModel(options.HouseModel) ?? throw new InvalidOperationException(
                $"Ollama:HouseModel='{options.HouseModel}' is not in {catalog.Directory} (known: {string.Join(", ", catalog.Models.Select(m => m.Name))}).");
        if (!chosen.IsChat)
        {
            throw new InvalidOperationException($"Ollama:HouseModel='{options.HouseModel}' is an embedding model; the API needs a chat model.");
        }

        var models = catalog.Enabled(requested)
            .Concat(catalog.Models.Where(m => m == chosen))
            .Distinct()
            .Select(m => Quantized(m, chosen, options.Quantization))
            .ToList();
        var enabledOptional = catalog.Models.Where(m => m.IsOptional && requested.Any(n => ModelName.AreSame(n, m.Name))).Select(m => m.Name).ToList();
        return new HouseModelSelection(models.Single(m => m.Name == chosen.Name), models, enabledOptional);
    }

    /// <summary>The names in <see cref="EnabledKey"/>: <c>a,b</c> or <c>a b</c>, or an array (<c>HouseModels:Enabled:0</c>, …).</summary>
    public static IReadOnlyList<string> EnabledNames(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(EnabledKey);
        return [.. new[] { section.Value }.Concat(section.GetChildren().Select(c => c.Value))
            .SelectMany(v => (v ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    private static HouseModel Quantized(HouseModel model, HouseModel chosen, string? quantization) =>
        quantization is not null && model.SharesBaseWith(chosen) ? model.WithQuantization(quantization) : model;
}
