/// A tiny built-in 5×7 bitmap font for the annotated video's labels, so drawing text needs no
/// font library. It covers the digits, `: ; . -`, space and the capital letters of the labels
/// (SCORE, NO TEXTURE, DEFOCUS, MOTION); any other character is drawn as a space.
public enum BitmapFont {
    public static let glyphWidth = 5
    public static let glyphHeight = 7
    /// Glyph width plus one column of spacing.
    public static let advance = 6

    /// Rows top to bottom, `#` = ink.
    private static let rows: [Character: [String]] = [
        "0": [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."],
        "1": ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."],
        "2": [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"],
        "3": ["####.", "....#", "....#", ".###.", "....#", "....#", "####."],
        "4": ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."],
        "5": ["#####", "#....", "####.", "....#", "....#", "#...#", ".###."],
        "6": ["..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."],
        "7": ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."],
        "8": [".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."],
        "9": [".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."],
        ":": [".....", "..#..", "..#..", ".....", "..#..", "..#..", "....."],
        ";": [".....", "..#..", "..#..", ".....", "..#..", "..#..", ".#..."],
        ".": [".....", ".....", ".....", ".....", ".....", ".##..", ".##.."],
        "-": [".....", ".....", ".....", "#####", ".....", ".....", "....."],
        "C": [".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."],
        "D": ["####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."],
        "E": ["#####", "#....", "#....", "####.", "#....", "#....", "#####"],
        "F": ["#####", "#....", "#....", "####.", "#....", "#....", "#...."],
        "I": [".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."],
        "M": ["#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"],
        "N": ["#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#", "#...#"],
        "O": [".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
        "R": ["####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"],
        "S": [".####", "#....", "#....", ".###.", "....#", "....#", "####."],
        "T": ["#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."],
        "U": ["#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
        "X": ["#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"],
    ]

    /// Per character, one bit mask per row (bit 4 = leftmost column).
    private static let bits: [Character: [UInt8]] = rows.mapValues { glyph in
        glyph.map { row in row.reduce(UInt8(0)) { ($0 << 1) | ($1 == "#" ? 1 : 0) } }
    }

    /// Whether column `column` of row `row` of `character` is ink.
    public static func isInk(_ character: Character, column: Int, row: Int) -> Bool {
        guard let glyph = bits[character], (0..<glyphHeight).contains(row), (0..<glyphWidth).contains(column) else {
            return false
        }
        return glyph[row] & (1 << (glyphWidth - 1 - column)) != 0
    }

    /// Width in font pixels of `text` (no trailing spacing column).
    public static func width(of text: String) -> Int {
        text.isEmpty ? 0 : text.count * advance - 1
    }
}
