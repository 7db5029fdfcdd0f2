using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Recur.Tests.Infrastructure;

/// <summary>
/// A real SMTP server (the <c>SmtpServer</c> package) on a free loopback port, in the test process. It keeps every
/// message that arrived, parsed with MimeKit, for tests to read.
/// </summary>
public sealed class LoopbackSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly KeepingStore _store = new();
    private Task? _running;

    public LoopbackSmtpServer()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    /// <summary>Every message accepted so far, in order of arrival.</summary>
    public IReadOnlyList<MimeMessage> Received => [.. _store.Messages];

    public void Start()
    {
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(_store);
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    /// <summary>The messages sent to <paramref name="address"/>, once <paramref name="until"/> holds for them (polled,
    /// within 30 s); fails the test otherwise.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForAsync(string address, Func<IReadOnlyList<MimeMessage>, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var messages = To(address);
            if (until(messages))
            {
                return messages;
            }
            Assert.True(DateTime.UtcNow < deadline,
                $"The SMTP server did not receive the expected emails for the address; it has: {string.Join(" | ", messages.Select(m => m.Subject))}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public IReadOnlyList<MimeMessage> To(string address) =>
        Received.Where(m => m.To.Mailboxes.Any(r => string.Equals(r.Address, address, StringComparison.OrdinalIgnoreCase))).ToList();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            try
            {
                await _running;
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stop.Dispose();
    }

    private sealed class KeepingStore : MessageStore
    {
        public ConcurrentQueue<MimeMessage> Messages { get; } = new();

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            Messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
