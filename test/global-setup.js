// Once per test run: the browser bundle of twitter-text the pages load (scripts/bundle-vendor.js).
module.exports = async () => {
  await require('../scripts/bundle-vendor.js').ensureVendorBundle();
};
