// CloudFront Function (cloudfront-js-2.0, viewer request) of the /api/* behaviour. The API answers CSV when Accept
// contains text/csv (lambdas/api/params.ts wantsCsv) and JSON otherwise, so Accept is cut down to those two values
// before CloudFront builds the cache key: every browser's Accept string then shares one cached answer per URL.
function handler(event) {
  var request = event.request;
  var accept = request.headers.accept;
  var values = accept ? accept.multiValue || [accept] : [];
  var csv = false;
  for (var i = 0; i < values.length; i++) {
    if (values[i].value.indexOf('text/csv') !== -1) csv = true;
  }
  request.headers.accept = { value: csv ? 'text/csv' : 'application/json' };
  return request;
}
