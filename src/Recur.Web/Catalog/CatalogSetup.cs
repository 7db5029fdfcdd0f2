namespace Recur.Web.Catalog;

public static class CatalogSetup
{
    public static WebApplicationBuilder AddCatalog(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<StripeCatalog>();
        builder.Services.AddScoped<OfferPublishing>();
        return builder;
    }
}
