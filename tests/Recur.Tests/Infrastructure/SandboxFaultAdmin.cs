using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Recur.StripeSandbox.Infrastructure;

namespace Recur.Tests.Infrastructure;

/// <summary>Switches the embedded sandbox's faults through its admin endpoint (<c>/_sandbox/faults</c>), as a
/// script against a running Recur would; the factory must set <c>Sandbox:FaultAdminToken</c>.</summary>
public sealed class SandboxFaultAdmin(Uri sandboxAddress, string token)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async Task SetAsync(FaultPlan plan)
    {
        using var response = await SendAsync(HttpMethod.Post, plan);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>No faults any more, counters back to zero.</summary>
    public async Task ClearAsync()
    {
        using var response = await SendAsync(HttpMethod.Delete);
        Assert.True(response.IsSuccessStatusCode, $"Clearing the faults answered {(int)response.StatusCode}");
    }

    public async Task<FaultCounts> CountsAsync()
    {
        using var response = await SendAsync(HttpMethod.Get);
        var state = await response.Content.ReadFromJsonAsync<JsonObject>(Cancel);
        return state!["counts"].Deserialize<FaultCounts>(FaultAdminApi.Json)!;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, FaultPlan? plan = null)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(method, new Uri(sandboxAddress, FaultAdminApi.Path));
        request.Headers.Add(FaultAdminApi.TokenHeader, token);
        if (plan is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(plan, FaultAdminApi.Json), Encoding.UTF8, "application/json");
        }
        return await http.SendAsync(request, Cancel);
    }
}
