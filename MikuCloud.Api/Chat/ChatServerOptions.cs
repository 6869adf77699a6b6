namespace MikuCloud.Api.Chat;

/// <summary>The API's <c>Chat</c> configuration section: how the server runs turns (limits, timeouts, heartbeats).</summary>
public sealed class ChatServerOptions
{
    /// <summary>Generations this instance runs at once; the AppHost sets it to Ollama's <c>OLLAMA_NUM_PARALLEL</c>.</summary>
    public int MaxConcurrentGenerations { get; set; } = 2;

    /// <summary>Requests that may wait for a slot; beyond it the API answers 429. Default: 4 per slot.</summary>
    public int? MaxQueue { get; set; }

    /// <summary>Longest wait in the queue before a 429.</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>keep_alive</c> sent with each chat, so the model stays loaded between turns.</summary>
    public string KeepAlive { get; set; } = "30m";

    /// <summary>How often a comment line is sent while waiting for the first token (proxies drop silent connections).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long to wait for Ollama's first answer before starting the event stream. Errors inside this window
    /// (busy, model missing, Ollama down) become proper HTTP problems (429/503) instead of an <c>error</c> event.
    /// </summary>
    public TimeSpan FirstResponseWindow { get; set; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>Longest silence from Ollama once streaming (no token, no heartbeat from it) before the turn fails.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Longest a turn may stream before it is stopped (saved as failed, <c>too_long</c>).
    /// </summary>
    public TimeSpan MaxTurnDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How often the text of an answer being generated is saved (one small UPDATE per answer, with its heartbeat): what
    /// a crash of this replica can lose at most.
    /// </summary>
    public TimeSpan AnswerCheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A <c>streaming</c> answer whose heartbeat is older than this has no writer left: the sweep marks it <c>interrupted</c>.</summary>
    public TimeSpan AnswerStaleAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each replica sweeps for answers with a stale heartbeat.</summary>
    public TimeSpan AnswerSweepInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest message text, in characters.</summary>
    public int MaxContentLength { get; set; } = 100_000;

    /// <summary>
    /// Largest message body (multipart or JSON with base64 images). Unset (the default): what the most and largest
    /// images and the longest text can take as JSON (see <c>IncomingMessageReader.MaxBodyBytes</c>).
    /// </summary>
    public long? MaxRequestBytes { get; set; }

    /// <summary>Whether message content is recorded in telemetry (off: prompts are private).</summary>
    public bool RecordContentInTelemetry { get; set; }

    internal int QueueLimit => MaxQueue ?? Math.Max(4, MaxConcurrentGenerations * 4);
}
