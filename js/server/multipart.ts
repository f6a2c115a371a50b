/**
 * `multipart/form-data` bodies, read with busboy: the text fields as
 * (name, value) pairs in arrival order; file parts are read and dropped
 * (PHP puts them in `$_FILES`, which api.php does not read).
 */
import busboy from "busboy";

export function multipartFields(contentType: string, body: Buffer): Promise<[string, string][]> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // The body is already bounded (BODY_LIMIT), so a field may be as long as the body.
      parser = busboy({ headers: { "content-type": contentType }, defParamCharset: "utf8", limits: { fieldSize: body.length + 1 } });
    } catch (error) {
      reject(error);
      return;
    }
    const pairs: [string, string][] = [];
    parser.on("field", (name, value) => pairs.push([name, value]));
    parser.on("file", (_name, stream) => stream.resume());
    parser.on("error", reject);
    parser.on("close", () => resolve(pairs));
    parser.end(body);
  });
}
