namespace Recur.Web.Simulation;

public static class SimulationSetup
{
    /// <summary>"Simulate this subscription" (Test only) and the cleanup of the clocks it makes.</summary>
    public static WebApplicationBuilder AddSimulation(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<SubscriptionSimulator>();
        builder.Services.AddSingleton<SimulationCleanup>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SimulationCleanup>());
        return builder;
    }
}
