// Maven's own ComparableVersion answers for the version_maven integration
// test: reads "A B" lines, prints <, = or > per line.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import org.apache.maven.artifact.versioning.ComparableVersion;

public class version_maven_oracle {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    StringBuilder out = new StringBuilder();
    String line;
    while ((line = in.readLine()) != null) {
      String[] p = line.trim().split("\\s+");
      if (p.length != 2) continue;
      int r = new ComparableVersion(p[0]).compareTo(new ComparableVersion(p[1]));
      out.append(r < 0 ? "<" : r > 0 ? ">" : "=").append('\n');
    }
    System.out.print(out);
  }
}
