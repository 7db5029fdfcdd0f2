using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Recur.StripeSandbox.PaymentIntents;

/// <summary>
/// The sandbox's own address for URLs it hands out when no request tells it (work done by the schedule or for an
/// invoice): the first address the server listens on, with a wildcard host read as <c>localhost</c>.
/// </summary>
public sealed class SandboxOrigin(IServer server)
{
    public string Url
    {
        get
        {
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            if (address is null || !Uri.TryCreate(address.Replace("://+", "://localhost", StringComparison.Ordinal)
                    .Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                return "http://localhost";
            }

            var host = uri.Host is "0.0.0.0" or "[::]" ? "localhost" : uri.Host;
            return $"{uri.Scheme}://{host}:{uri.Port}";
        }
    }
}
