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
    /// <summary>How often <see cref="ApiKey.LastUsedAt"/> is written at most (a busy script should not write on every call).</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

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
