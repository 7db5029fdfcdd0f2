namespace Recur.Web.Catalog;

/// <summary>Offer settings in the words the admin panel and the checkout page use.</summary>
public static class OfferDisplay
{
    public static string PaymentTypes(PaymentTypes types) => types switch
    {
        Catalog.PaymentTypes.Card | Catalog.PaymentTypes.Bacs => "Stripe Card, Stripe BACS Direct Debit",
        Catalog.PaymentTypes.Card => "Stripe Card",
        Catalog.PaymentTypes.Bacs => "Stripe BACS Direct Debit",
        _ => "None",
    };

    public static string Activation(BacsActivation? activation) => activation switch
    {
        BacsActivation.WhenMandateCreated => "Active when the mandate is created",
        BacsActivation.WhenFirstPaymentConfirmed => "Active when the first payment is confirmed",
        _ => "—",
    };
}
