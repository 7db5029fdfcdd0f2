using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Recur.Web.Stripe;

/// <summary>
/// Recur's own public address, for the URLs handed to Stripe (OAuth <c>redirect_uri</c>, account link return and
/// refresh URLs, webhook endpoints). From <c>Recur:PublicUrl</c>, else from the address the server is bound to;
/// never from an incoming request.
/// </summary>
public sealed class RecurUrls(IConfiguration configuration, IServer server)
{
    public string BaseUrl
    {
        get
        {
            var configured = configuration["Recur:PublicUrl"];
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return configured.TrimEnd('/');
            }
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                ?? addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("Recur's address is not known yet: set Recur:PublicUrl.");
            return Normalize(address);
        }
    }

    public string Absolute(string pathAndQuery) => BaseUrl + pathAndQuery;

    /// <summary>Wildcard bindings (<c>http://[::]:5080</c>, <c>http://+:5080</c>) are reachable as localhost.</summary>
    private static string Normalize(string address)
    {
        var uri = new Uri(address.Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal));
        var host = uri.Host is "[::]" or "0.0.0.0" or "::" ? "localhost" : uri.Host;
        return new UriBuilder(uri.Scheme, host, uri.Port).Uri.ToString().TrimEnd('/');
    }
}
