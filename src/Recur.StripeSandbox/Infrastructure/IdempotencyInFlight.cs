using System.Collections.Concurrent;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// The idempotency keys whose first request is running in this sandbox process (see <see cref="Idempotency"/>).
/// Kept in memory on purpose: a restart ends every request, so none of them can still be "in use" afterwards.
/// </summary>
public sealed class IdempotencyInFlight
{
    private readonly ConcurrentDictionary<string, byte> _running = new(StringComparer.Ordinal);

    /// <summary>Claims the record id for one request; false when another request holds it.</summary>
    public bool TryStart(string recordId) => _running.TryAdd(recordId, 0);

    public void Finish(string recordId) => _running.TryRemove(recordId, out _);

    public bool Contains(string recordId) => _running.ContainsKey(recordId);
}
