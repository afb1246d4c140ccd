<?php
// Composer's own VersionParser and Comparator answer for the
// version_composer integration test: reads "A B" lines, prints <, =, > or
// "error" (a version Composer cannot normalise, or a branch) per line.
require '/usr/share/php/Composer/Semver/autoload.php';
use Composer\Semver\VersionParser;

$parser = new VersionParser();
while (($line = fgets(STDIN)) !== false) {
  $p = preg_split('/\s+/', trim($line));
  if (count($p) != 2) continue;
  try {
    $a = $parser->normalize($p[0]);
    $b = $parser->normalize($p[1]);
    if (strpos($a, 'dev-') === 0 || strpos($b, 'dev-') === 0) { echo "error\n"; continue; }
    $r = version_compare($a, $b);
    echo ($r < 0 ? '<' : ($r > 0 ? '>' : '=')), "\n";
  } catch (UnexpectedValueException $e) {
    echo "error\n";
  }
}
