namespace Recur.StripeSandbox.Infrastructure;

/// <summary>
/// Reads a posted form; a body that is not a valid form (a broken multipart body, too many or too long values, a body cut short)
/// becomes a <see cref="BadHttpRequestException"/>, which the sandbox answers with Stripe's 400
/// <c>invalid_request_error</c> instead of a 500.
/// </summary>
public static class RequestForm
{
    public static async Task<IFormCollection> ReadStripeFormAsync(this HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new BadHttpRequestException($"Invalid request body: {e.Message}", StatusCodes.Status400BadRequest, e);
        }
    }
}
