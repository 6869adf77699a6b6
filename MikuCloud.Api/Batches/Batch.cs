using MikuCloud.Api.Data;

namespace MikuCloud.Api.Batches;

/// <summary>
/// A batch job: one prompt (and optional schema) over many images, each a <see cref="BatchItem"/>. Counts and tokens are
/// computed from the items (they are the truth when several workers finish items at once).
/// </summary>
public sealed class Batch
{
    public Guid Id { get; set; }
    public string OwnerId { get; set; } = Owners.Local;
    public string Name { get; set; } = "";

    /// <summary>One of <see cref="BatchStatus"/>.</summary>
    public string Status { get; set; } = BatchStatus.Draft;
    public string Prompt { get; set; } = "";
    public string PresetId { get; set; } = "";

    /// <summary>The vision model that answers the items (a house model's name), or null for the default model.</summary>
    public string? Model { get; set; }

    /// <summary>Validated Ollama option overrides (JSON object), or null.</summary>
    public string? OptionsJson { get; set; }

    /// <summary>The JSON schema answers must follow (Ollama's <c>format</c>), or null for free text.</summary>
    public string? SchemaJson { get; set; }

    /// <summary>Keep each source image after it was answered (otherwise only the thumbnail stays).</summary>
    public bool KeepImages { get; set; }

    /// <summary>
    /// The next item's index: uploads reserve their indexes by raising it (<see cref="BatchIndexReservation"/>). A refused
    /// upload gives its indexes back only when no later upload took the next ones, so this may run ahead of the items;
    /// the total the API shows is counted from the items.
    /// </summary>
    public int Total { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
}
