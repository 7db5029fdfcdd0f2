using System.Text.Json.Nodes;
using Recur.StripeSandbox.Events;

namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// What an API endpoint works with: the caller, the parsed parameters, the store and the clock. Bound straight from
/// the request, so handlers take one <c>StripeRequest request</c> parameter.
/// </summary>
public sealed class StripeRequest
{
    private StripeRequest(HttpContext http, ApiCaller caller, StripeParams parameters)
    {
        Http = http;
        Caller = caller;
        Params = parameters;
        Store = http.RequestServices.GetRequiredService<SandboxStore>();
        Events = http.RequestServices.GetRequiredService<SandboxEvents>();
        Time = http.RequestServices.GetRequiredService<TimeProvider>();
    }

    public HttpContext Http { get; }

    public ApiCaller Caller { get; }

    public StripeParams Params { get; }

    public SandboxStore Store { get; }

    public SandboxEvents Events { get; }

    public TimeProvider Time { get; }

    public long Now => Time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>The request's <c>Stripe-Version</c>; null means the account's default version.</summary>
    public string? ApiVersion => Http.Request.Headers["Stripe-Version"].FirstOrDefault();

    /// <summary>The request's <c>Idempotency-Key</c>, for the <c>request</c> field of the events it causes.</summary>
    public string? IdempotencyKey => Http.Request.Headers["Idempotency-Key"].FirstOrDefault();

    /// <summary>The sandbox's own origin as the client reached it, for URLs it hands out (links, pages).</summary>
    public string BaseUrl => $"{Http.Request.Scheme}://{Http.Request.Host}";

    public static async ValueTask<StripeRequest> BindAsync(HttpContext context)
    {
        var pairs = context.Request.Query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))).ToList();
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadStripeFormAsync(context.RequestAborted);
            pairs.AddRange(form.SelectMany(f => f.Value.Select(v => KeyValuePair.Create(f.Key, v ?? ""))));
        }

        var caller = context.Caller();
        if (caller.CredentialsInBody)
        {
            pairs.RemoveAll(pair => pair.Key is "key" or "_stripe_account");
        }

        return new StripeRequest(context, caller, StripeParams.Parse(pairs));
    }

    /// <summary>An object the caller may see, by id and kind; null when it does not exist for this caller.</summary>
    public StoredObject? Find(string id, string kind)
    {
        var stored = Store.Find(id, Caller.Scope);
        return stored is not null && stored.Kind == kind && Caller.CanSee(stored) ? stored : null;
    }

    /// <summary>A new object in the caller's scope (platform, mode and <c>Stripe-Account</c>); <paramref name="customId"/>:
    /// the caller chose its id (<see cref="StoredObject.CustomId"/>).</summary>
    public StoredObject NewObject(string kind, string id, JsonObject data, bool customId = false) =>
        Caller.NewObject(kind, id, Now, data, customId);

    /// <summary>The object as JSON, with the request's <c>expand[]</c> applied and includable fields it did not ask
    /// for left out (<see cref="IncludableFields"/>).</summary>
    public IResult Respond(JsonObject data, int status = StatusCodes.Status200OK)
    {
        var body = data.DeepClone().AsObject();
        var expand = Params.Strings("expand");
        var error = Expansion.Apply(body, expand, ResolveForExpand);
        if (error is not null)
        {
            return error;
        }

        IncludableFields.Strip(body, expand);
        return new StripeJsonResult(body, status);
    }

    /// <summary>A page of a list, newest first, with <c>limit</c>, <c>starting_after</c> and <c>ending_before</c>.</summary>
    public IResult RespondList(IReadOnlyList<StoredObject> newestFirst, string url)
    {
        var page = ListPage.Create(newestFirst, Params, url);
        if (page.Error is not null)
        {
            return page.Error;
        }

        var expand = Params.Strings("expand");
        var error = Expansion.Apply(page.Body!, expand, ResolveForExpand);
        if (error is not null)
        {
            return error;
        }

        IncludableFields.Strip(page.Body!, expand);
        return new StripeJsonResult(page.Body!);
    }

    private JsonObject? ResolveForExpand(string id)
    {
        var stored = Store.Find(id, Caller.Scope);
        return stored is not null && stored.Livemode == Caller.Livemode ? stored.Data : null;
    }
}
