// Bundled for Node with this one import: the user's bundler must keep the Node signer's registration (package.json "sideEffects").
import { signRequest } from "modelarts-data-annotations";

const headers = signRequest({ method: "GET", url: "https://modelarts.cn-north-4.myhuaweicloud.com/v1/p1/x" }, { ak: "CONSUMERAK00000001", sk: "consumer-sk" });
console.log(JSON.stringify(Object.keys(headers)));
