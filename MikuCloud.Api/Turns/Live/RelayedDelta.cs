namespace MikuCloud.Api.Turns.Live;

/// <summary>
/// A piece of an answer generating on another replica: its text ending at <paramref name="End"/> characters, or (with
/// <paramref name="Ended"/>) word that the answer is saved and readers should read its final state.
/// </summary>
public sealed record RelayedDelta(Guid AnswerId, int End, string Text, bool Ended = false);
