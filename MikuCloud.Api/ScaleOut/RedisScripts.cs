namespace MikuCloud.Api.ScaleOut;

/// <summary>
/// The Lua scripts behind the shared limits: each runs atomically in Redis (so counts are exact however many API
/// processes call at once), reads one key (so a Redis Cluster can hold it), and takes the time from the Redis server
/// (so API pods' clocks need not agree).
/// </summary>
internal static class RedisScripts
{
    private const string Now = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        """;

    /// <summary>
    /// A sliding window of weighted usage in a hash of <c>segment → total</c> (segments of window/12, as ASP.NET's
    /// sliding-window limiter): memory per key is bounded whatever the rate. ARGV: mode (<c>add</c>, <c>try</c>: add
    /// within the limit, <c>wait</c>: check only), weight, limit, window ms, segments. Returns -1 (added, or under the
    /// limit) or the milliseconds until the total is low enough.
    /// </summary>
    public const string Window = Now + """
        local mode = ARGV[1]
        local weight = tonumber(ARGV[2])
        local limit = tonumber(ARGV[3])
        local window = tonumber(ARGV[4])
        local segments = tonumber(ARGV[5])
        local size = math.ceil(window / segments)
        local current = math.floor(now / size)
        local oldest = current - segments + 1
        local fields = redis.call('HGETALL', KEYS[1])
        local total = 0
        local live = {}
        for i = 1, #fields, 2 do
          local segment = tonumber(fields[i])
          if segment < oldest then
            redis.call('HDEL', KEYS[1], fields[i])
          else
            local value = tonumber(fields[i + 1])
            total = total + value
            live[#live + 1] = { segment, value }
          end
        end
        local function until_below(bound)
          table.sort(live, function(a, b) return a[1] < b[1] end)
          local left = total
          for _, entry in ipairs(live) do
            left = left - entry[2]
            if left < bound then
              return (entry[1] + segments) * size - now
            end
          end
          return window
        end
        if mode == 'wait' then
          if total < limit then return -1 end
          return until_below(limit)
        end
        if mode == 'try' and total + weight > limit then
          return until_below(limit - weight + 1)
        end
        redis.call('HINCRBY', KEYS[1], string.format('%d', current), weight)
        redis.call('PEXPIRE', KEYS[1], window + size)
        return -1
        """;

    /// <summary>
    /// Takes a lease in a sorted set of <c>lease id → expiry</c> when fewer than the limit are live. ARGV: lease id,
    /// limit, lease ms. Returns { 1 taken / 0 full, live leases after }.
    /// </summary>
    public const string Take = Now + """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        local live = redis.call('ZCARD', KEYS[1])
        if live >= tonumber(ARGV[2]) then return { 0, live } end
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
        redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
        return { 1, live + 1 }
        """;

    /// <summary>
    /// Renews this process's live leases in one set (ids after the first ARGV; an expired one is not brought back) and
    /// counts the live ones. ARGV: lease ms, ids... Returns the live leases.
    /// </summary>
    /// <remarks>Lua reserves <c>until</c> (repeat … until): a local of that name does not compile.</remarks>
    public const string Renew = Now + """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        local expiry = now + tonumber(ARGV[1])
        for i = 2, #ARGV do
          redis.call('ZADD', KEYS[1], 'XX', expiry, ARGV[i])
        end
        if #ARGV > 1 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2) end
        return redis.call('ZCARD', KEYS[1])
        """;
}
