# Errors of the HTTP layer itself (any route): requests the server cannot read.
err-method-not-allowed = This address does not accept that request method; use the method the API documentation gives (GET, POST …).
err-bad-query = The query parameters cannot be read: { $detail }. Check the parameter names and values against the API documentation.
err-bad-path = The id in the address cannot be read: { $detail }. Check that the link is complete.
err-bad-form = The form cannot be read: a required field may be missing or the page has expired. Reload the page, fill it in and submit again.
err-unsupported-media-type = Wrong Content-Type: send application/json to the API, and submit forms from their page.
err-bad-request = The request cannot be read: { $detail }. Check it and try again.
