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

    /// <summary>
    /// The caller chose the id (<c>id</c> on <c>POST /v1/products</c>). Such an id is unique only within its account and
    /// mode (https://docs.stripe.com/api/products/create#create_product-id: "unique across all products in your Stripe
    /// account"), so the store keys the object by its <see cref="Scope"/> too. Generated ids are unique everywhere.
    /// </summary>
    public bool CustomId { get; init; }

    /// <summary>Whose data this is: the connected account, else the platform itself, in one mode.</summary>
    public StoreScope Scope => StoreScope.Of(Platform, Livemode, Account);

    /// <summary>The store's key: the id, qualified by <see cref="Scope"/> when the caller chose it.</summary>
    public string Key => CustomId ? Scope.Qualify(Id) : Id;

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
        CustomId = CustomId, Sequence = Sequence, Data = Data.DeepClone().AsObject(), Meta = Meta.DeepClone().AsObject(),
    };
}

/// <summary>
/// The data an object belongs to: a connected account's (whichever platform acts for it), or a platform's own, in
/// test or live mode. Ids a caller chooses are unique only within one scope.
/// </summary>
public readonly record struct StoreScope(string Owner, bool Livemode)
{
    public static StoreScope Of(string platform, bool livemode, string? account) =>
        new(account ?? $"platform:{platform}", livemode);

    /// <summary>A store key for <paramref name="id"/> in this scope; generated ids never contain the separator.</summary>
    public string Qualify(string id) => $"{id}\u001f{Owner}\u001f{(Livemode ? "live" : "test")}";
}
