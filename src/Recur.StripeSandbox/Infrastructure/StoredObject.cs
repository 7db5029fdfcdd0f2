using System.Text.Json.Nodes;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// One Stripe object as the sandbox keeps it: the JSON the API returns (<see cref="Data"/>) plus who may see it.
/// <see cref="Meta"/> holds the sandbox's own bookkeeping and is never sent to a client.
/// </summary>
public sealed class StoredObject
{
    public required string Id { get; init; }

    /// <summary>The Stripe <c>object</c> value, e.g. <c>account</c>, or an internal kind such as <c>oauth_code</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The platform that owns the object; empty for accounts that belong to no platform.</summary>
    public required string Platform { get; init; }

    public required bool Livemode { get; init; }

    /// <summary>The connected account the object lives on, or null for the platform's own objects.</summary>
    public string? Account { get; init; }

    public required long Created { get; init; }

    /// <summary>Insertion order, so that lists are newest first even within one second.</summary>
    public long Sequence { get; set; }

    public required JsonObject Data { get; set; }

    public JsonObject Meta { get; set; } = [];

    /// <summary>
    /// A new object in the same scope as this one (platform, mode and connected account): a charge of its
    /// PaymentIntent, an invoice of its customer, and so on.
    /// </summary>
    public StoredObject NewInSameScope(string kind, string id, long created, JsonObject data, JsonObject? meta = null) => new()
    {
        Id = id,
        Kind = kind,
        Platform = Platform,
        Livemode = Livemode,
        Account = Account,
        Created = created,
        Data = data,
        Meta = meta ?? [],
    };

    /// <summary>A copy with its own <see cref="Data"/> and <see cref="Meta"/>, which later changes to this object do not touch.</summary>
    public StoredObject Copy() => new()
    {
        Id = Id, Kind = Kind, Platform = Platform, Livemode = Livemode, Account = Account, Created = Created,
        Sequence = Sequence, Data = Data.DeepClone().AsObject(), Meta = Meta.DeepClone().AsObject(),
    };
}
