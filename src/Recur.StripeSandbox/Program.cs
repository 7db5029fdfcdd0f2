using Recur.StripeSandbox;

var options = SandboxOptions.FromArgs(args);
var app = SandboxServer.Create(options, args);
await app.RunAsync();
