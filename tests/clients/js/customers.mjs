// Performs every customer operation with the official WooCommerce JavaScript client and prints,
// as JSON, what the server answered to each (status, the headers clients read, the body). Without
// WC_VERSION the client speaks its default version (wc/v3), as a new user's code does.
//
//   WC_URL=http://127.0.0.1:8000 WC_KEY=ck_… WC_SECRET=cs_… [WC_VERSION=wc/v1] [WC_SIGNATURE=HMAC-SHA1] \
//   [WC_QUERY_STRING_AUTH=1] [WC_DOWNLOADS_CUSTOMER=5] node customers.mjs
import { createHmac } from "node:crypto";
import clientPackage from "@woocommerce/woocommerce-rest-api";
import OAuth from "oauth-1.0a";

// The package's CommonJS build is what Node loads; its class is the `default` export.
const WooCommerceRestApi = clientPackage.default ?? clientPackage;

// The client signs with HMAC-SHA256 only; this subclass changes just the signature method.
class Sha1Api extends WooCommerceRestApi {
  _getOAuth() {
    return new OAuth({
      consumer: { key: this.consumerKey, secret: this.consumerSecret },
      signature_method: "HMAC-SHA1",
      hash_function: (base, key) => createHmac("sha1", key).update(base).digest("base64"),
    });
  }
}

const env = process.env;
if (env.WC_INSECURE_TLS) process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
const Api = env.WC_SIGNATURE === "HMAC-SHA1" ? Sha1Api : WooCommerceRestApi;
const options = {
  url: env.WC_URL,
  consumerKey: env.WC_KEY,
  consumerSecret: env.WC_SECRET,
  queryStringAuth: Boolean(env.WC_QUERY_STRING_AUTH),
};
if (env.WC_VERSION) options.version = env.WC_VERSION;
const api = new Api(options);
const meta = [{ key: "crm_id", value: "A-17" }, { key: "_hidden", value: "x" }];
const tag = env.WC_TAG || "js";

async function call(method, ...args) {
  try {
    const response = await api[method](...args);
    return pick(response);
  } catch (error) {
    if (!error.response) throw error;
    return pick(error.response);
  }
}

function pick(response) {
  const headers = {};
  for (const name of ["x-wp-total", "x-wp-totalpages", "link", "location", "content-type"]) {
    if (response.headers[name] !== undefined) headers[name] = response.headers[name];
  }
  return { status: response.status, headers, data: response.data };
}

const address = {
  first_name: "Jane", last_name: "Roe", company: "", address_1: "969 Market", address_2: "",
  city: "San Francisco", state: "CA", postcode: "94103", country: "US",
};
const results = {};
results.create = await call("post", "customers", {
  email: `jane.${tag}@example.com`, first_name: "Jane", last_name: "Roe", username: `jane.${tag}`,
  billing: { ...address, email: `jane.${tag}@example.com`, phone: "(555) 555-5555" }, shipping: address,
  meta_data: meta,
});
const id = results.create.data.id;
results.retrieve = await call("get", `customers/${id}`);
results.list = await call("get", "customers", { per_page: 1, page: 1, orderby: "id", role: "all" });
results.search = await call("get", "customers", { search: `jane.${tag}`, include: [id], per_page: 2 });
results.update = await call("put", `customers/${id}`, {
  first_name: "Janet", billing: { city: "Oakland" }, meta_data: [{ key: "crm_id", value: "B-2" }],
});
results.batch = await call("post", "customers/batch", {
  create: [{ email: `batch.${tag}@example.com`, first_name: "Batch" }],
  update: [{ id, last_name: "Batched" }],
});
const batchId = results.batch.data.create[0].id;
results.batchDelete = await call("post", "customers/batch", { delete: [batchId] });
if (env.WC_DOWNLOADS_CUSTOMER) {
  results.downloads = await call("get", `customers/${env.WC_DOWNLOADS_CUSTOMER}/downloads`);
}
results.delete = await call("delete", `customers/${id}`, { force: true });
results.afterDelete = await call("get", `customers/${id}`);
console.log(JSON.stringify(results));
