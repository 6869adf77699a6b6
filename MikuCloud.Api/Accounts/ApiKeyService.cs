using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MikuCloud.Api.Data;

namespace MikuCloud.Api.Accounts;

/// <summary>
/// Personal API keys: <c>mkc_</c> + 32 random bytes (base64url). Stored as SHA-256 only: a key has 256 bits of
/// entropy, so a slow password hash would add latency to every scripted call without adding safety, and an indexed
/// hash lookup keeps authentication to one query.
/// </summary>
public sealed class ApiKeyService(ChatDbContext db, TimeProvider time)
{
    /// <summary>Active keys per user: enough for every script, few enough that a leaked session cannot mint thousands.</summary>
    public const int MaxActiveKeys = 20;

    /// <summary>How often <see cref="ApiKey.LastUsedAt"/> is written at most (a busy script should not write on every call).</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>The user's keys, newest first (never the keys themselves).</summary>
    public async Task<List<ApiKeyDto>> ListAsync(string userId, CancellationToken ct) =>
        (await db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId).OrderByDescending(k => k.CreatedAt).ToListAsync(ct))
        .Select(k => k.ToDto()).ToList();

    /// <summary>
    /// Checks a request for a new key (a name, a lifetime in range, room under <see cref="MaxActiveKeys"/>) and creates
    /// it; throws the <see cref="ApiProblem"/> to answer with otherwise.
    /// </summary>
    public async Task<CreatedApiKey> CreateAsync(string userId, CreateApiKeyRequest request, CancellationToken ct)
    {
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100)
        {
            throw ApiProblem.Invalid("name", "Give the key a name (1–100 characters).");
        }

        if (request.ExpiresInDays is < 1 or > ApiKeyLifetime.MaxDays)
        {
            throw ApiProblem.Invalid("expiresInDays", $"A key expires after 1–{ApiKeyLifetime.MaxDays} days, or never (leave it out).");
        }

        if (await db.ApiKeys.Where(k => k.UserId == userId).CountAsync(ApiKey.ActiveAt(Timestamps.Now(time)), ct) >= MaxActiveKeys)
        {
            throw new ApiProblem(409, ProblemCodes.TooManyKeys, $"You have {MaxActiveKeys} active keys; revoke one first.");
        }

        var (key, secret) = await CreateAsync(userId, name, request.ExpiresInDays, ct);
        return new CreatedApiKey(key.Id, key.Name, key.Prefix, key.CreatedAt, key.LastUsedAt, key.RevokedAt, key.ExpiresAt, secret);
    }

    /// <summary>Revokes one of the user's keys at once. Revoking twice is fine; someone else's key id is as unknown as a made-up one.</summary>
    public async Task RevokeAsync(string userId, Guid id, CancellationToken ct)
    {
        var now = Timestamps.Now(time);
        var changed = await db.ApiKeys.Where(k => k.Id == id && k.UserId == userId && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), ct);
        if (changed == 0 && !await db.ApiKeys.AnyAsync(k => k.Id == id && k.UserId == userId, ct))
        {
            throw new ApiProblem(404, ProblemCodes.ApiKeyNotFound, "There is no such API key.");
        }
    }

    /// <summary>
    /// Creates a key for the user, working for <paramref name="lifetimeDays"/> (null: until revoked); the returned key
    /// string exists only in this answer.
    /// </summary>
    public async Task<(ApiKey Entity, string Key)> CreateAsync(string userId, string name, int? lifetimeDays, CancellationToken ct)
    {
        var now = Timestamps.Now(time);
        var key = ApiTokens.ApiKeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var entity = new ApiKey
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            Name = name,
            Prefix = key[..12],
            Hash = Hash(key),
            CreatedAt = now,
            ExpiresAt = lifetimeDays is { } days ? now.AddDays(days) : null,
        };
        db.ApiKeys.Add(entity);
        await db.SaveChangesAsync(ct);
        return (entity, key);
    }

    /// <summary>
    /// The key and its owner if the key exists and is not revoked, and whether it has expired (so the caller can say why
    /// a script stopped); bumps the last-used time of a key that still works.
    /// </summary>
    public async Task<FoundApiKey?> FindAsync(string key, CancellationToken ct)
    {
        if (key.Length > 100)
        {
            return null;
        }

        var hash = Hash(key);
        var found = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Hash == hash && k.RevokedAt == null)
            .Join(db.Users, k => k.UserId, u => u.Id, (k, u) => new { Key = k, User = u })
            .FirstOrDefaultAsync(ct);
        if (found is null)
        {
            return null;
        }

        var now = Timestamps.Now(time);
        var expired = !found.Key.IsActive(now);
        if (!expired && (found.Key.LastUsedAt is not { } last || now - last > LastUsedResolution))
        {
            await db.ApiKeys.Where(k => k.Id == found.Key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
        }

        return new FoundApiKey(found.Key, found.User, expired);
    }

    /// <summary>A presented key: the stored key, its owner, and whether it has expired.</summary>
    public readonly record struct FoundApiKey(ApiKey Key, UserAccount User, bool Expired);

    internal static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
