using System.Globalization;
using System.Text.Json.Nodes;

namespace MikuCloud.HouseModels;

/// <summary>Stages of <see cref="HouseModelProvisioner.EnsureAsync"/>.</summary>
public enum ProvisionStage
{
    /// <summary>Asking Ollama what it already has.</summary>
    Checking,
    /// <summary>Downloading the base model.</summary>
    Pulling,
    /// <summary>Uploading the model's LoRA adapter to Ollama (<c>POST /api/blobs/…</c>), when Ollama lacks it.</summary>
    Uploading,
    /// <summary>Creating the house model from its Modelfile.</summary>
    Creating,
    /// <summary>The house model is there and up to date.</summary>
    Ready,
}

/// <summary>A step of provisioning, for dashboards and logs.</summary>
/// <param name="Stage">Where provisioning is.</param>
/// <param name="Percent">Download progress while pulling.</param>
/// <param name="Message">Ollama's status text.</param>
public sealed record ProvisionProgress(ProvisionStage Stage, double? Percent, string Message);

/// <summary>What provisioning had to do.</summary>
/// <param name="Pulled">The base model was downloaded.</param>
/// <param name="Created">The house model was (re)created.</param>
public sealed record ProvisionResult(bool Pulled, bool Created);

/// <summary>
/// Makes a house model exist in Ollama, idempotently: nothing is pulled or created when the model is already
/// there with the same base, system prompt, parameters and adapter; the base is pulled only when missing, the
/// adapter uploaded only when Ollama lacks its blob.
/// </summary>
public sealed class HouseModelProvisioner(OllamaModelClient client)
{
    /// <summary>Ensures <paramref name="model"/> exists and matches its Modelfile.</summary>
    public async Task<ProvisionResult> EnsureAsync(HouseModel model, IProgress<ProvisionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        progress?.Report(new ProvisionProgress(ProvisionStage.Checking, null, $"Looking for {model.Name}"));

        // Hashed first: a changed adapter file (a new training run) must re-create the model.
        var adapter = model.Modelfile.Adapter is null ? null : await AdapterBlob.ReadAsync(model, cancellationToken).ConfigureAwait(false);
        var existing = await client.ShowAsync(model.Name, cancellationToken).ConfigureAwait(false);
        if (existing is not null && Matches(model, existing, adapter?.Digest))
        {
            progress?.Report(new ProvisionProgress(ProvisionStage.Ready, 100, $"{model.Name} is up to date"));
            return new ProvisionResult(Pulled: false, Created: false);
        }

        var pulled = false;
        if (await client.ShowAsync(model.From, cancellationToken).ConfigureAwait(false) is null)
        {
            await client.PullAsync(model.From, new SynchronousProgress<PullProgress>(p =>
                progress?.Report(new ProvisionProgress(ProvisionStage.Pulling, p.Percent, p.Status))), cancellationToken).ConfigureAwait(false);
            pulled = true;
        }

        if (adapter is not null && !await client.HasBlobAsync(adapter.Digest, cancellationToken).ConfigureAwait(false))
        {
            progress?.Report(new ProvisionProgress(ProvisionStage.Uploading, null,
                $"Uploading {adapter.FileName} ({(adapter.Length / 1e6).ToString("0.#", CultureInfo.InvariantCulture)} MB)"));
            await client.PushBlobAsync(adapter, cancellationToken).ConfigureAwait(false);
        }

        await client.CreateAsync(model, adapter, new SynchronousProgress<string>(s =>
            progress?.Report(new ProvisionProgress(ProvisionStage.Creating, null, s))), cancellationToken).ConfigureAwait(false);
        progress?.Report(new ProvisionProgress(ProvisionStage.Ready, 100, $"{model.Name} created from {model.From}"));
        return new ProvisionResult(pulled, Created: true);
    }

    /// <summary>
    /// True when Ollama's <c>/api/show</c> answer describes the same model: same base, system prompt and
    /// parameters. Ollama prints parameters as aligned text, so numbers are compared as numbers.
    /// </summary>
    public static bool Matches(HouseModel model, JsonObject show) => Matches(model, show, adapterDigest: null);

    /// <summary>
    /// <see cref="Matches(HouseModel, JsonObject)"/>, and the same adapter: Ollama's generated Modelfile
    /// (<c>modelfile</c> in <c>/api/show</c>) names each adapter by its blob (<c>ADAPTER …/blobs/sha256-&lt;hex&gt;</c>),
    /// so <paramref name="adapterDigest"/> (<c>null</c> for a model without one) must be the only adapter there.
    /// </summary>
    public static bool Matches(HouseModel model, JsonObject show, string? adapterDigest)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(show);
        var adapters = (show["modelfile"]?.GetValue<string>() ?? "").Split('\n', StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("ADAPTER ", StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (adapterDigest is null ? adapters.Count > 0
            : adapters.Count != 1 || !adapters[0].Replace(':', '-').EndsWith(adapterDigest.Replace(':', '-'), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var parent = show["details"]?["parent_model"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(parent) && !ModelName.AreSame(parent, model.From))
        {
            return false;
        }

        if (!string.Equals(show["system"]?.GetValue<string>() ?? "", model.Modelfile.System ?? "", StringComparison.Ordinal))
        {
            return false;
        }

        var actual = ParseParameters(show["parameters"]?.GetValue<string>() ?? "");
        var wanted = model.Modelfile.Parameters.SelectMany(kv => kv.Value is List<string> list
            ? list.Select(v => (kv.Key, Value: v))
            : [(kv.Key, Value: Convert.ToString(kv.Value, CultureInfo.InvariantCulture)!)]).ToList();
        return wanted.Count == actual.Count && wanted.All(w => actual.Any(a => a.Key == w.Key && SameValue(a.Value, w.Value)));
    }

    private static List<(string Key, string Value)> ParseParameters(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(parts => parts.Length == 2)
            .Select(parts => (parts[0], parts[1].Trim('"')))
            .ToList();

    private static bool SameValue(string a, string b) =>
        double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
        && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
            ? Math.Abs(x - y) < 1e-9
            : string.Equals(a, b, StringComparison.Ordinal);

    /// <summary>
    /// <see cref="Progress{T}"/> posts to the captured context and may reorder or lag; provisioning wants each
    /// report delivered in order, on the calling thread.
    /// </summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
