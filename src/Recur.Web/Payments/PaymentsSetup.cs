namespace Recur.Web.Payments;

public static class PaymentsSetup
{
    public static WebApplicationBuilder AddPayments(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<PaymentSync>();
        builder.Services.AddScoped<OneOffPayments>();
        builder.Services.AddScoped<PaymentEvents>();
        builder.Services.AddScoped<PaymentRefunds>();
        return builder;
    }
}
