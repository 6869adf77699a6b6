namespace MikuCloud.Contracts;

/// <summary>
/// What Ollama's <c>/api/show</c> says a model can do (<c>capabilities</c>), and the context length its architecture
/// was trained for (<c>trainedContextLength</c>, from <c>model_info</c>); null until Ollama has the model.
/// </summary>
public sealed record ModelCapabilitiesDto(bool Completion, bool Vision, bool Tools, bool Embedding, int? TrainedContextLength);

/// <summary>
/// A model Ollama holds in memory (<c>/api/ps</c>): <c>size</c> bytes in memory, <c>sizeVram</c> of them on the GPU,
/// unloaded at <c>expiresAt</c> unless used again (null: kept loaded), loaded with <c>contextLength</c>.
/// </summary>
public sealed record LoadedModelDto(long Size, long SizeVram, DateTimeOffset? ExpiresAt, int? ContextLength);

/// <summary>
/// Progress of pulling and creating a model (<c>GET /api/admin/models</c>): <c>stage</c> is <c>checking</c>,
/// <c>pulling</c>, <c>creating</c>, <c>ready</c> or <c>failed</c>; <c>percent</c> while pulling; <c>message</c> is
/// Ollama's status line, or the error when failed.
/// </summary>
public sealed record ModelProgressDto(string Stage, double? Percent, string Message, DateTimeOffset UpdatedAt);

/// <summary>The body of <c>PUT /api/admin/models/{name}/enabled</c>: turn an optional model on (it is provisioned) or off.</summary>
public sealed record ModelEnabledRequest(bool Enabled);

/// <summary><see cref="HouseModelDto.Status"/> values.</summary>
public static class ModelStatus
{
    /// <summary>Ollama has it: it can answer.</summary>
    public const string Ready = "ready";

    /// <summary>Ollama does not have it (not created yet, or deleted).</summary>
    public const string Missing = "missing";

    /// <summary>Being pulled or created now (see <see cref="HouseModelDto.Progress"/>).</summary>
    public const string Provisioning = "provisioning";

    /// <summary>Ollama cannot be reached.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>An optional model that is off (listed to admins only).</summary>
    public const string Disabled = "disabled";
}

/// <summary><see cref="HouseModelDto.Purpose"/> values.</summary>
public static class ModelPurposes
{
    /// <summary>Chat with text and images.</summary>
    public const string Vision = "vision";

    /// <summary>Chat with text only: images are refused (400 <c>model_no_vision</c>).</summary>
    public const string Text = "text";

    /// <summary>Embeddings only; never offered for chat.</summary>
    public const string Embedding = "embedding";
}

/// <summary><see cref="ModelProgressDto.Stage"/> values.</summary>
public static class ModelProgressStage
{
    /// <summary>Asking Ollama what it has.</summary>
    public const string Checking = "checking";

    /// <summary>Downloading the base model.</summary>
    public const string Pulling = "pulling";

    /// <summary>Creating the house model from its Modelfile.</summary>
    public const string Creating = "creating";

    /// <summary>Done: the model is there.</summary>
    public const string Ready = "ready";

    /// <summary>Pull or create failed; the message says why.</summary>
    public const string Failed = "failed";
}
